package org.tcprec.analyzer.report;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.DurationConverter;
import org.tcprec.cli.support.PortConverter;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "print",
        mixinStandardHelpOptions = true,
        description = "Every event as one line, in time order (like perf script or bcc's trace -t): "
                + "TIME(s) PID TID COMM CPU EVENT and the event's fields, decoded.")
public final class PrintCommand extends ReplayCommand {
    @Option(
            names = {"-e", "--event"},
            paramLabel = "EVENT",
            description = "Only this event (tcp_probe or tcp:tcp_probe); repeatable.")
    List<String> events = new ArrayList<>();

    @Option(
            names = "--pid",
            paramLabel = "PID",
            description = "Only events whose current task belongs to this process.")
    int pid;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            converter = PortConverter.class,
            description = "Only events with this local or remote port.")
    int port;

    @Option(
            names = "--from",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Skip events earlier than this long after the first event (e.g. 2.5s).")
    Long fromNs;

    @Option(
            names = "--to",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Stop at this long after the first event.")
    Long toNs;

    private static final String QUERY = "WITH e AS (SELECT *, epoch_ns(time) AS ts_ns, "
            + "epoch_ns(time) - min(epoch_ns(time)) OVER () AS since_ns FROM events) "
            + "SELECT * FROM e WHERE (? = '' OR list_contains(string_split(?, ','), event)) "
            + "AND (? = 0 OR tgid = ?) AND (? = 0 OR lport = ? OR rport = ?) "
            + "AND (? < 0 OR since_ns >= ?) AND (? < 0 OR since_ns <= ?) AND " + ReportOptions.FILTER_SQL
            + " ORDER BY time, filename, seq";

    private Map<Integer, String> reasons = Map.of();

    @Override
    protected void checkOptions() {
        if (fromNs != null && toNs != null && toNs < fromNs) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--to must not be earlier than --from (the range would be empty)");
        }
    }

    @Override
    protected void report(TraceDatabase db) {
        reasons = TcpResetCommand.reasonNames(db.footers().get(0));
        List<String> names = new ArrayList<>();
        for (String e : events) {
            String name = e.contains(":") ? e.substring(e.indexOf(':') + 1) : e;
            if (!name.matches("inet_sock_set_state|tcp_\\w+")) {
                throw new UserError("unknown event '" + e + "'");
            }
            names.add(name);
        }
        String eventList = String.join(",", names);
        long from = fromNs == null ? -1 : fromNs;
        long to = toNs == null ? -1 : toNs;
        Object[] parameters = Rows.concat(
                new Object[] {eventList, eventList, pid, pid, port, port, port, from, from, to, to},
                options.filterParameters());
        if (!options.json()) {
            out.printf(
                    Locale.ROOT,
                    "%-14s %-7s %-7s %-16s %-3s %-22s %s%n",
                    options.time ? "TIME" : "TIME(s)",
                    "PID",
                    "TID",
                    "COMM",
                    "CPU",
                    "EVENT",
                    "FIELDS");
        }
        printRows(db, QUERY, parameters, rs -> {
            String time = options.time
                    ? clock.hms(rs.getLong("ts_ns")) + "."
                            + String.format(Locale.ROOT, "%06d", (rs.getLong("ts_ns") % 1_000_000_000L) / 1000)
                    : CFormat.fixed(rs.getLong("since_ns") / 1e9, 6);
            out.printf(
                    Locale.ROOT,
                    "%-14s %-7d %-7d %-16s %-3d %-22s %s%n",
                    time,
                    rs.getInt("tgid"),
                    rs.getInt("tid"),
                    text(rs, "comm"),
                    rs.getInt("cpu"),
                    text(rs, "event"),
                    fields(rs));
        });
    }

    static String endpoint(String address, int port, int family) {
        return family == 10 ? "[" + address + "]:" + port : address + ":" + port;
    }

    private String fields(ResultSet rs) throws SQLException {
        int family = rs.getInt("family");
        StringBuilder f = new StringBuilder();
        f.append(endpoint(text(rs, "laddr"), rs.getInt("lport"), family))
                .append(" > ")
                .append(endpoint(text(rs, "raddr"), rs.getInt("rport"), family));
        switch (text(rs, "event")) {
            case "inet_sock_set_state" ->
                f.append(' ')
                        .append(text(rs, "oldstate"))
                        .append(" -> ")
                        .append(text(rs, "newstate"))
                        .append(" acked=")
                        .append(rs.getLong("bytes_acked"))
                        .append(" received=")
                        .append(rs.getLong("bytes_received"));
            case "tcp_retransmit_skb" -> {
                f.append(" state=").append(text(rs, "state"));
                if (rs.getObject("err") != null) {
                    f.append(" err=").append(rs.getInt("err"));
                }
            }
            case "tcp_retransmit_synack" -> f.append(" SYN/ACK");
            case "tcp_send_reset" -> {
                // without a socket there is no state (the kernel stores 0)
                boolean socket = rs.getObject("skaddr") != null && rs.getObject("state") != null;
                f.append(" state=").append(socket ? text(rs, "state") : "-");
                if (rs.getObject("reason") != null) {
                    int reason = rs.getInt("reason");
                    f.append(" reason=").append(reasons.getOrDefault(reason, String.valueOf(reason)));
                }
            }
            case "tcp_probe" ->
                f.append(" len=")
                        .append(rs.getLong("data_len"))
                        .append(" snd_nxt=")
                        .append(Long.toHexString(rs.getLong("snd_nxt")))
                        .append(" snd_una=")
                        .append(Long.toHexString(rs.getLong("snd_una")))
                        .append(" cwnd=")
                        .append(rs.getLong("snd_cwnd"))
                        .append(" ssthresh=")
                        .append(rs.getLong("ssthresh"))
                        .append(" snd_wnd=")
                        .append(rs.getLong("snd_wnd"))
                        .append(" srtt=")
                        .append(rs.getLong("srtt_us"))
                        .append("us rcv_wnd=")
                        .append(rs.getLong("rcv_wnd"));
            default -> {}
        }
        Object cookie = rs.getObject("sock_cookie");
        if (cookie != null) {
            f.append(" cookie=").append(cookie instanceof BigInteger b ? b.toString() : String.valueOf(cookie));
        }
        Object sk = rs.getObject("skaddr");
        f.append(" sk=")
                .append(
                        sk == null
                                ? "-"
                                : Long.toHexString(
                                        sk instanceof BigInteger b ? b.longValue() : ((Number) sk).longValue()));
        return f.toString();
    }
}
