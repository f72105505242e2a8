package org.tcprec.analyzer.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.tcprec.analyzer.trace.TraceDatabase;
import picocli.CommandLine.Command;

@Command(
        name = "tcpaccept",
        mixinStandardHelpOptions = true,
        description = {
            "Passive TCP opens, as libbpf-tools' tcpaccept prints them, from the state changes "
                    + "LISTEN -> SYN_RECV -> ESTABLISHED (one line per connection, at ESTABLISHED).",
            "accept() has no tracepoint: PID/COMM are those of the process that closed the socket (close() runs in "
                    + "its context: the move to FIN_WAIT1 or LAST_ACK, or, for an abortive close, to CLOSE with the RST "
                    + "it sent), or '-' when no close by a process is in the trace: the socket was still open when the "
                    + "recording ended, or the peer reset it."
        })
public final class TcpAcceptCommand extends ReplayCommand {
    private static final String QUERY = "SELECT c.* REPLACE ("
            + "CASE WHEN c.closer_pid IS NULL THEN a.pid ELSE c.closer_pid END AS closer_pid, "
            + "CASE WHEN c.closer_pid IS NULL THEN a.comm ELSE c.closer_comm END AS closer_comm) "
            + "FROM connections c LEFT JOIN abortive_closes a ON a.filename = c.filename AND a.skaddr = c.skaddr "
            + "AND a.life = c.life WHERE passive AND accepted_ns IS NOT NULL AND "
            + ReportOptions.FILTER_SQL + " ORDER BY c.accepted_ns, c.filename, c.skaddr";

    @Override
    protected void report(TraceDatabase db) {
        if (!options.json()) {
            StringBuilder h = new StringBuilder();
            if (options.time) {
                h.append(String.format(Locale.ROOT, "%-8s ", "TIME(s)"));
            }
            h.append(String.format(
                    Locale.ROOT,
                    "%-7s %-16s %-2s %-16s %-5s %-16s %-5s",
                    "PID",
                    "COMM",
                    "IP",
                    "RADDR",
                    "RPORT",
                    "LADDR",
                    "LPORT"));
            out.println(h);
        }
        printRows(db, QUERY, options.filterParameters(), this::printRow);
    }

    private void printRow(ResultSet rs) throws SQLException {
        StringBuilder line = new StringBuilder();
        if (options.time) {
            line.append(String.format(Locale.ROOT, "%8s ", clock.hms(rs.getLong("accepted_ns"))));
        }
        Object pid = rs.getObject("closer_pid");
        line.append(String.format(
                Locale.ROOT,
                "%-7s %-16s %-2d %-16s %-5d %-16s %-5d",
                pid == null ? "-" : pid.toString(),
                pid == null ? "-" : text(rs, "closer_comm"),
                rs.getInt("family") == 10 ? 6 : 4,
                text(rs, "raddr"),
                rs.getInt("rport"),
                text(rs, "laddr"),
                rs.getInt("lport")));
        out.println(line);
    }
}
