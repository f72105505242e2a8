package org.tcprec.analyzer.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.format.TraceFooter;
import picocli.CommandLine.Command;

@Command(
        name = "tcpreset",
        mixinStandardHelpOptions = true,
        description = {
            "TCP resets sent and received, with the connection, its state and (for sent ones, on kernels "
                    + "that say) the reason. No bcc tool shows these; the columns follow tcpretrans.",
            "T is '>' for a reset this host sent and '<' for one it received."
        })
public final class TcpResetCommand extends ReplayCommand {
    // The state of a received reset's socket: the last state change before it.
    private static final String QUERY = "SELECT r.*, coalesce(r.state, (SELECT arg_max(s.newstate, s.ts_ns) "
            + "FROM state_changes s WHERE s.filename = r.filename AND s.skaddr = r.skaddr AND s.ts_ns <= r.ts_ns)) "
            + "AS socket_state FROM resets r WHERE " + ReportOptions.FILTER_SQL + " ORDER BY r.time, r.filename, r.seq";

    private static final Pattern SYMBOL = Pattern.compile("\\{\\s*(\\d+),\\s*\"(\\w+)\"\\s*\\}");

    @Override
    protected void report(TraceDatabase db) {
        Map<Integer, String> reasons = reasonNames(db.footers().get(0));
        if (!options.json()) {
            out.printf(
                    Locale.ROOT,
                    "%-8s %-7s %-16s %-2s %-25s %1s %-25s %-11s %s%n",
                    "TIME",
                    "PID",
                    "COMM",
                    "IP",
                    "LADDR:LPORT",
                    "T",
                    "RADDR:RPORT",
                    "STATE",
                    "REASON");
        }
        printRows(db, QUERY, options.filterParameters(), rs -> printRow(rs, reasons));
    }

    private void printRow(ResultSet rs, Map<Integer, String> reasons) throws SQLException {
        int family = rs.getInt("family");
        String reason = "-";
        if (rs.getObject("reason") != null) {
            reason = reasons.getOrDefault(rs.getInt("reason"), String.valueOf(rs.getInt("reason")));
        }
        Object state = rs.getObject("socket_state");
        out.printf(
                Locale.ROOT,
                "%-8s %-7d %-16s %-2d %-25s %1s %-25s %-11s %s%n",
                clock.hms(rs.getLong("ts_ns")),
                rs.getInt("tgid"),
                text(rs, "comm"),
                family == 10 ? 6 : 4,
                PrintCommand.endpoint(text(rs, "laddr"), rs.getInt("lport"), family),
                "sent".equals(text(rs, "direction")) ? ">" : "<",
                PrintCommand.endpoint(text(rs, "raddr"), rs.getInt("rport"), family),
                state == null ? "-" : state,
                reason);
    }

    /** enum sk_rst_reason names, from the __print_symbolic table in the recorded tracepoint format. */
    static Map<Integer, String> reasonNames(TraceFooter footer) {
        Map<Integer, String> names = new HashMap<>();
        Map<String, String> formats = footer.metadata().tracepoints().formats();
        if (formats != null) {
            String format = formats.get("tcp:tcp_send_reset");
            if (format != null) {
                int table = format.indexOf("__print_symbolic(REC->reason");
                if (table >= 0) {
                    Matcher m = SYMBOL.matcher(format.substring(table));
                    while (m.find()) {
                        names.put(Integer.parseInt(m.group(1)), m.group(2));
                    }
                }
            }
        }
        return names;
    }
}
