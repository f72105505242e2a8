package org.tcprec.analyzer.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.tcprec.analyzer.trace.TraceDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tcpconnlat",
        mixinStandardHelpOptions = true,
        description = {
            "Connect latency, as libbpf-tools' tcpconnlat prints it: the time from SYN_SENT to ESTABLISHED "
                    + "of each active open (bcc measures from connect() to the SYN/ACK's processing, which these two "
                    + "state changes bracket).",
            "Connects that never completed are not shown (see tcpconnect -x)."
        })
public final class TcpConnLatCommand extends ReplayCommand {
    @Option(names = "--lport", description = "Include the local port (bcc's tcpconnlat -L).")
    boolean localPort;

    @Option(names = "--min", paramLabel = "MS", description = "Only connects slower than this many milliseconds.")
    double minMs;

    private static final String QUERY = "SELECT * FROM connections WHERE active AND connected_ns IS NOT NULL "
            + "AND connect_us >= ? AND " + ReportOptions.FILTER_SQL + " ORDER BY connected_ns, filename, skaddr";

    @Override
    protected void report(TraceDatabase db) {
        if (!options.json()) {
            StringBuilder h = new StringBuilder();
            if (options.timestamp) {
                h.append(String.format(Locale.ROOT, "%-9s ", "TIME(s)"));
            }
            if (localPort) {
                h.append(String.format(
                        Locale.ROOT,
                        "%-6s %-12s %-2s %-16s %-6s %-16s %-5s %s",
                        "PID",
                        "COMM",
                        "IP",
                        "SADDR",
                        "LPORT",
                        "DADDR",
                        "DPORT",
                        "LAT(ms)"));
            } else {
                h.append(String.format(
                        Locale.ROOT,
                        "%-6s %-12s %-2s %-16s %-16s %-5s %s",
                        "PID",
                        "COMM",
                        "IP",
                        "SADDR",
                        "DADDR",
                        "DPORT",
                        "LAT(ms)"));
            }
            out.println(h);
        }
        Object[] parameters = Rows.concat(new Object[] {(long) (minMs * 1000)}, options.filterParameters());
        printRows(db, QUERY, parameters, this::printRow);
    }

    private void printRow(ResultSet rs) throws SQLException {
        StringBuilder line = new StringBuilder();
        if (options.timestamp) {
            line.append(String.format(
                    Locale.ROOT, "%-9s ", CFormat.fixed(secondsSinceFirst(rs.getLong("connected_ns")), 3)));
        }
        String latency = CFormat.fixed(rs.getLong("connect_us") / 1000.0, 2);
        int ip = rs.getInt("family") == 10 ? 6 : 4;
        if (localPort) {
            line.append(String.format(
                    Locale.ROOT,
                    "%-6d %-12.12s %-2d %-16s %-6d %-16s %-5d %s",
                    rs.getInt("connect_pid"),
                    text(rs, "connect_comm"),
                    ip,
                    text(rs, "laddr"),
                    rs.getInt("lport"),
                    text(rs, "raddr"),
                    rs.getInt("rport"),
                    latency));
        } else {
            line.append(String.format(
                    Locale.ROOT,
                    "%-6d %-12.12s %-2d %-16s %-16s %-5d %s",
                    rs.getInt("connect_pid"),
                    text(rs, "connect_comm"),
                    ip,
                    text(rs, "laddr"),
                    text(rs, "raddr"),
                    rs.getInt("rport"),
                    latency));
        }
        out.println(line);
    }
}
