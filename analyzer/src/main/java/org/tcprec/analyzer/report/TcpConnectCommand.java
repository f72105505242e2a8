package org.tcprec.analyzer.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.tcprec.analyzer.trace.TraceDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tcpconnect",
        mixinStandardHelpOptions = true,
        description = {
            "Active TCP opens (connect), as libbpf-tools' tcpconnect prints them, from the state changes "
                    + "CLOSE -> SYN_SENT (-> ESTABLISHED).",
            "-x adds the connect latency and the outcome: established, refused (RST answered the SYN) or failed."
        })
public final class TcpConnectCommand extends ReplayCommand {
    @Option(names = "--sport", description = "Include the source port (bcc's tcpconnect -s).")
    boolean sourcePort;

    @Option(names = "--failed", description = "Only connects that never reached ESTABLISHED.")
    boolean failedOnly;

    private static final String QUERY = "SELECT c.*, "
            + "CASE WHEN connected_ns IS NOT NULL THEN 'established' "
            + "WHEN EXISTS (SELECT 1 FROM resets r WHERE r.filename = c.filename AND r.skaddr = c.skaddr "
            + "  AND r.direction = 'received' AND r.ts_ns BETWEEN c.syn_sent_ns AND coalesce(c.close_ns, c.last_ns)) "
            + "THEN 'refused' WHEN close_ns IS NOT NULL THEN 'failed' ELSE 'pending' END AS outcome "
            + "FROM connections c WHERE active AND syn_sent_ns IS NOT NULL AND (NOT ? OR connected_ns IS NULL) AND "
            + ReportOptions.FILTER_SQL + " ORDER BY syn_sent_ns, filename, skaddr";

    @Override
    protected void report(TraceDatabase db) {
        if (!options.json()) {
            StringBuilder h = new StringBuilder();
            if (options.timestamp) {
                h.append(String.format(Locale.ROOT, "%-9s", "TIME(s)"));
            }
            h.append(String.format(Locale.ROOT, "%-6s %-16s %-2s %-16s %-16s", "PID", "COMM", "IP", "SADDR", "DADDR"));
            if (sourcePort) {
                h.append(String.format(Locale.ROOT, " %-5s", "SPORT"));
            }
            h.append(String.format(Locale.ROOT, " %-5s", "DPORT"));
            if (options.extended) {
                h.append(String.format(Locale.ROOT, " %-9s %s", "LAT(ms)", "RESULT"));
            }
            out.println(h);
        }
        printRows(db, QUERY, Rows.concat(new Object[] {failedOnly}, options.filterParameters()), this::printRow);
    }

    private void printRow(ResultSet rs) throws SQLException {
        StringBuilder line = new StringBuilder();
        if (options.timestamp) {
            line.append(
                    String.format(Locale.ROOT, "%-9s", CFormat.fixed(secondsSinceFirst(rs.getLong("syn_sent_ns")), 3)));
        }
        line.append(String.format(
                Locale.ROOT,
                "%-6d %-16.16s %-2d %-16s %-16s",
                rs.getInt("connect_pid"),
                text(rs, "connect_comm"),
                rs.getInt("family") == 10 ? 6 : 4,
                text(rs, "laddr"),
                text(rs, "raddr")));
        if (sourcePort) {
            line.append(String.format(Locale.ROOT, " %-5d", rs.getInt("lport")));
        }
        line.append(String.format(Locale.ROOT, " %-5d", rs.getInt("rport")));
        if (options.extended) {
            Object us = rs.getObject("connect_us");
            line.append(String.format(
                    Locale.ROOT,
                    " %-9s %s",
                    us == null ? "-" : CFormat.fixed(((Number) us).longValue() / 1000.0, 2),
                    text(rs, "outcome")));
        }
        out.println(line);
    }
}
