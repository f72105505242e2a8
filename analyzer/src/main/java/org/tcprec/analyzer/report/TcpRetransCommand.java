package org.tcprec.analyzer.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.tcprec.analyzer.trace.TraceDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tcpretrans",
        mixinStandardHelpOptions = true,
        description = {
            "TCP retransmissions, as bcc's tools/tcpretrans.py prints them (libbpf-tools has no tcpretrans).",
            "Tail loss probes (bcc's -l) and sequence numbers (-s) have no tracepoint, so they are not in a trace."
        })
public final class TcpRetransCommand extends ReplayCommand {
    @Option(
            names = {"-c", "--count"},
            description = "Count retransmits per flow instead of printing each.")
    boolean count;

    @Option(names = "--synack", description = "Also show SYN/ACK retransmissions (type S; bcc ignores them).")
    boolean synack;

    private static final String EVENTS = "SELECT * FROM retransmits WHERE (kind = 'R' OR ?) AND "
            + ReportOptions.FILTER_SQL + " ORDER BY time, filename, seq";

    // bcc's key is (saddr, daddr, lport, dport); rows go lowest count first, IPv4 flows before IPv6.
    private static final String COUNTS = "SELECT family, laddr, lport, raddr, rport, count(*) AS retransmits, "
            + "min(ts_ns) AS first_ns FROM retransmits WHERE (kind = 'R' OR ?) AND " + ReportOptions.FILTER_SQL
            + " GROUP BY family, laddr, lport, raddr, rport ORDER BY family, retransmits, first_ns";

    @Override
    protected void report(TraceDatabase db) {
        Object[] parameters = Rows.concat(new Object[] {synack}, options.filterParameters());
        if (count) {
            if (!options.json()) {
                out.printf(Locale.ROOT, "%n%-25s %-25s %-10s%n", "LADDR:LPORT", "RADDR:RPORT", "RETRANSMITS");
            }
            printRows(db, COUNTS, parameters, rs -> {
                String local = "[" + text(rs, "laddr") + "]#" + rs.getInt("lport");
                String remote = "[" + text(rs, "raddr") + "]#" + rs.getInt("rport");
                out.printf(Locale.ROOT, "%-20s <-> %-20s %10d%n", local, remote, rs.getLong("retransmits"));
            });
            return;
        }
        if (!options.json()) {
            out.printf(
                    Locale.ROOT,
                    "%-8s %-7s %-2s %-20s %1s> %-20s %-4s%n",
                    "TIME",
                    "PID",
                    "IP",
                    "LADDR:LPORT",
                    "T",
                    "RADDR:RPORT",
                    "STATE");
        }
        printRows(db, EVENTS, parameters, this::printRow);
    }

    private void printRow(ResultSet rs) throws SQLException {
        String line = String.format(
                Locale.ROOT,
                "%-8s %-7d %-2d %-20s %1s> %-20s %s",
                clock.hms(rs.getLong("ts_ns")),
                rs.getInt("tgid"),
                rs.getInt("family") == 10 ? 6 : 4,
                text(rs, "laddr") + ":" + rs.getInt("lport"),
                text(rs, "kind"),
                text(rs, "raddr") + ":" + rs.getInt("rport"),
                text(rs, "state"));
        if (options.extended) {
            line += String.format(
                    Locale.ROOT,
                    " %-10s %s",
                    TcpLifeCommand.nullable(rs, "netns"),
                    TcpLifeCommand.nullable(rs, "cgroup_id"));
        }
        out.println(line);
    }
}
