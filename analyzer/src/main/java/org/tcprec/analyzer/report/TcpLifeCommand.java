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

    // A connection still open at the end is shown at the recording's end; one open at the start
    // from the first change seen: the part of the lifespan the recording saw. bcc truncates the
    // span to whole microseconds.
    private static final String QUERY = "SELECT c.*, coalesce(close_ns, recording_end_ns, last_ns) AS event_ns, "
            + "make_timestamp_ns(coalesce(close_ns, recording_end_ns, last_ns)) AS event_time, "
            + "coalesce(span_us, (coalesce(close_ns, recording_end_ns, last_ns) - coalesce(start_ns, first_ns)) // 1000) "
            + "AS shown_us, "
            + "CASE WHEN open_at_start AND open_at_stop THEN 'open-throughout' WHEN open_at_start THEN 'open-at-start' "
            + "WHEN open_at_stop THEN 'open-at-stop' WHEN complete THEN '-' ELSE 'no-start-seen' END AS note "
            + "FROM connections c WHERE (complete OR ?) AND " + ReportOptions.FILTER_SQL
            + " AND (? = 0 OR (CASE WHEN ? THEN owner_pid ELSE pid END) = ?)";

    @Override
    protected void report(TraceDatabase db) {
        int width = options.wide || options.extended ? 39 : 15;
        Object[] parameters = Rows.concat(new Object[] {partial}, options.filterParameters());
        parameters = Rows.concat(parameters, pid, options.extended, pid);
        if (options.json) {
            Rows.query(db, QUERY + order(db), parameters, this::printJson);
            return;
        }
        printHeader(width);
        String p = options.extended ? "owner_" : "";
        String ms = "(shown_us / 1000)::DOUBLE";
        String line;
        if (options.csv) {
            // bcc's Python tcplife: whole KB (Python's %d of a float truncates), an IP column
            line = timePrefixSql("event_time", "event_ns", ",") + " || printf('%d,%s,%s,%s,%d,%s,%d,%d,%d,%.2f', " + p
                    + "pid, " + p + "comm, CASE WHEN family = 10 THEN '6' ELSE '4' END, laddr, lport, raddr, rport, "
                    + "tx_bytes // 1024, rx_bytes // 1024, " + ms + ")" + (partial ? " || ',' || note" : "");
        } else {
            line = timePrefixSql("event_time", "event_ns", " ") + " || printf('%-7d %-16s %-" + width + "s %-5d %-" + width
                    + "s %-5d %-6.2f %-6.2f ', " + p + "pid, " + p + "comm, laddr, lport, raddr, rport, "
                    + "(tx_bytes / 1024)::DOUBLE, (rx_bytes / 1024)::DOUBLE)"
                    + (options.extended
                            ? " || printf('%-10.2f %-10s %s', " + ms + ", coalesce(CAST(netns AS VARCHAR), '-'), "
                                    + "coalesce(CAST(cgroup_id AS VARCHAR), '-'))"
                            : " || printf('%.2f', " + ms + ")")
                    + (partial ? " || ' ' || note" : "");
        }
        streamLines(db, "SELECT " + line + " FROM (" + QUERY + ")" + order(db), parameters);
    }

    private static String order(TraceDatabase db) {
        return " ORDER BY event_ns, first_ns, " + db.byFile() + "skaddr";
    }

    private void printHeader(int width) {
        if (options.csv) {
            out.println(headerTimePrefix() + "PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS" + (partial ? ",NOTE" : ""));
            return;
        }
        StringBuilder h = new StringBuilder(headerTimePrefix());
        h.append(String.format("%-7s %-16s %-" + width + "s %-5s %-" + width + "s %-5s %-6s %-6s ", "PID", "COMM",
                "LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB"));
        h.append(options.extended ? String.format("%-10s %-10s %s", "MS", "NETNS", "CGROUP") : "MS");
        if (partial) {
            h.append(" NOTE");
        }
        out.println(h);
    }

    static String nullable(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        if (v instanceof BigInteger b) {
            return b.toString();
        }
        return v == null ? "-" : String.valueOf(v);
    }
}
