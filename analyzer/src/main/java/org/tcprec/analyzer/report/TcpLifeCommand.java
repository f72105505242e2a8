package org.tcprec.analyzer.report;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.tcprec.analyzer.db.TraceDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tcplife", mixinStandardHelpOptions = true,
        description = {"TCP connection lifespans with bytes sent and received, as bcc's tcplife prints them.",
            "Columns and widths follow libbpf-tools' tcplife; -t and -s (which only bcc's Python tcplife has) "
                + "follow the Python tool."})
public final class TcpLifeCommand extends ReplayCommand {
    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Only connections of this process.")
    int pid;

    @Option(names = "--partial",
            description = "Also show connections open when the recording began or still open when it ended "
                    + "(bcc cannot see those), marked in a NOTE column.")
    boolean partial;

    private static final String QUERY = "SELECT c.* FROM connections c WHERE (complete OR ?) AND "
            + ReportOptions.FILTER_SQL + " AND (? = 0 OR (CASE WHEN ? THEN owner_pid ELSE pid END) = ?) "
            + "ORDER BY coalesce(close_ns, last_ns), first_ns, filename, skaddr";

    @Override
    protected void report(TraceDatabase db) {
        int width = options.wide || options.extended ? 39 : 15;
        if (!options.json) {
            printHeader(width);
        }
        Object[] parameters = Rows.concat(new Object[] {partial}, options.filterParameters());
        parameters = Rows.concat(parameters, pid, options.extended, pid);
        Rows.query(db, QUERY, parameters, rs -> {
            if (options.json) {
                printJson(rs);
            } else if (options.csv) {
                printCsv(rs);
            } else {
                printRow(rs, width);
            }
        });
    }

    private void printHeader(int width) {
        if (options.csv) {
            StringBuilder h = new StringBuilder();
            if (options.time) {
                h.append("TIME,");
            }
            if (options.timestamp) {
                h.append("TIME(s),");
            }
            out.println(h + "PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS" + (partial ? ",NOTE" : ""));
            return;
        }
        StringBuilder h = new StringBuilder();
        if (options.time) {
            h.append(String.format("%-8s ", "TIME(s)")); // sic: libbpf-tools labels its HH:MM:SS column so
        }
        if (options.timestamp) {
            h.append(String.format("%-9s ", "TIME(s)"));
        }
        h.append(String.format("%-7s %-16s %-" + width + "s %-5s %-" + width + "s %-5s %-6s %-6s %s", "PID", "COMM",
                "LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB", "MS"));
        if (options.extended) {
            h = new StringBuilder(h.substring(0, h.length() - 2)).append(String.format("%-10s %-10s %s", "MS", "NETNS", "CGROUP"));
        }
        if (partial) {
            h.append(" NOTE");
        }
        out.println(h);
    }

    private long eventNs(ResultSet rs) throws SQLException {
        Object close = rs.getObject("close_ns");
        return close != null ? ((Number) close).longValue() : rs.getLong("last_ns");
    }

    private double spanMs(ResultSet rs) throws SQLException {
        Object span = rs.getObject("span_us");
        if (span != null) {
            return ((Number) span).longValue() / 1000.0;
        }
        // partial: the part of the lifespan the recording saw
        long from = rs.getObject("start_ns") != null ? rs.getLong("start_ns") : rs.getLong("first_ns");
        long to = rs.getObject("close_ns") != null ? rs.getLong("close_ns") : rs.getLong("last_ns");
        return ((to - from) / 1000) / 1000.0;
    }

    private String note(ResultSet rs) throws SQLException {
        if (rs.getBoolean("open_at_start")) {
            return rs.getBoolean("open_at_stop") ? "open-throughout" : "open-at-start";
        }
        if (rs.getBoolean("open_at_stop")) {
            return "open-at-stop";
        }
        return rs.getBoolean("complete") ? "-" : "no-start-seen";
    }

    private void printRow(ResultSet rs, int width) throws SQLException {
        StringBuilder line = new StringBuilder();
        long ts = eventNs(rs);
        if (options.time) {
            line.append(String.format("%8s ", clock.hms(ts)));
        }
        if (options.timestamp) {
            line.append(String.format("%-9s ", secondsSinceFirst(ts)));
        }
        String p = options.extended ? "owner_" : "";
        line.append(String.format("%-7d %-16s %-" + width + "s %-5d %-" + width + "s %-5d ", rs.getInt(p + "pid"),
                rs.getString(p + "comm"), rs.getString("laddr"), rs.getInt("lport"), rs.getString("raddr"),
                rs.getInt("rport")));
        line.append(CFormat.fixedLeft(rs.getLong("tx_bytes") / 1024.0, 2, 6)).append(' ');
        line.append(CFormat.fixedLeft(rs.getLong("rx_bytes") / 1024.0, 2, 6)).append(' ');
        if (options.extended) {
            line.append(CFormat.fixedLeft(spanMs(rs), 2, 10)).append(' ');
            line.append(String.format("%-10s %s", nullable(rs, "netns"), nullable(rs, "cgroup_id")));
        } else {
            line.append(CFormat.fixed(spanMs(rs), 2));
        }
        if (partial) {
            line.append(' ').append(note(rs));
        }
        out.println(line);
    }

    private void printCsv(ResultSet rs) throws SQLException {
        StringBuilder line = new StringBuilder();
        long ts = eventNs(rs);
        if (options.time) {
            line.append(clock.hms(ts)).append(',');
        }
        if (options.timestamp) {
            line.append(secondsSinceFirst(ts)).append(',');
        }
        String p = options.extended ? "owner_" : "";
        // Python's "%d" of bytes / 1024 truncates to whole KB.
        line.append(String.format("%d,%s,%s,%s,%d,%s,%d,%d,%d,%s", rs.getInt(p + "pid"), rs.getString(p + "comm"),
                rs.getInt("family") == 10 ? "6" : "4", rs.getString("laddr"), rs.getInt("lport"), rs.getString("raddr"),
                rs.getInt("rport"), rs.getLong("tx_bytes") / 1024, rs.getLong("rx_bytes") / 1024,
                CFormat.fixed(spanMs(rs), 2)));
        if (partial) {
            line.append(',').append(note(rs));
        }
        out.println(line);
    }

    static String nullable(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        if (v instanceof BigInteger b) {
            return b.toString();
        }
        return v == null ? "-" : String.valueOf(v);
    }
}
