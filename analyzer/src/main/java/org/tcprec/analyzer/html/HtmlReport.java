package org.tcprec.analyzer.html;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * A self-contained HTML page about one trace: the data of every figure is computed here, with
 * SQL over the analyzer's views, and embedded as JSON beside a small script that draws it as SVG.
 * Nothing is fetched when the page opens. Each figure carries the SQL text that produced it, and
 * that text runs as is in `tcprec sql TRACE "..."`.
 *
 * <p>Aggregation happens here, not in the browser: a page must open quickly from a trace of
 * millions of events, so the per-row figures (the timeline, the connection table) are capped and
 * the page says so.
 */
public final class HtmlReport {
    public record Caps(int timelineConnections, int tableRows) {}

    public static final Caps DEFAULT_CAPS = new Caps(2000, 1000);

    /** Buckets of the over-time figures. */
    private static final int TIME_BINS = 60;

    private final TraceDatabase db;
    private final Caps caps;
    private final List<Map<String, Object>> capped = new ArrayList<>();

    public HtmlReport(TraceDatabase db, Caps caps) {
        this.db = db;
        this.caps = caps;
    }

    /** The complete page. */
    public String render() {
        Map<String, Object> data = data();
        String template = resource("report.html");
        return template.replace("/*STYLE*/", resource("report.css"))
                .replace("/*SCRIPT*/", resource("report.js"))
                .replace("/*DATA*/", scriptSafeJson(data));
    }

    Map<String, Object> data() {
        TraceFooter footer = db.footers().get(0);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("generator", "tcprec report");
        data.put("context", context(footer));
        long[] window = window();
        data.put("window", ordered("start_ns", window[0], "end_ns", window[1]));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("counts", table("Counts", ReportQueries.sql("counts"), Integer.MAX_VALUE));
        figures.put("timeline", timeline(window[0]));
        figures.put(
                "lifespan",
                histogram(
                        "Connection lifespan (complete connections)",
                        "span_us",
                        "µs",
                        ReportQueries.sql("lifespan_values")));
        figures.put(
                "connect_latency",
                histogram(
                        "Connect latency (SYN_SENT → ESTABLISHED)",
                        "connect_us",
                        "µs",
                        ReportQueries.sql("connect_latency_values")));
        figures.put(
                "srtt",
                histogram("Smoothed RTT (tcp_probe samples)", "srtt_us", "µs", ReportQueries.sql("srtt_values")));
        long bin = Math.max(1, (window[1] - window[0] + TIME_BINS - 1) / TIME_BINS);
        Map<String, Object> overTime = table(
                "Retransmits and RSTs over time",
                ReportQueries.sql("over_time", "last_bin", TIME_BINS - 1, "start_ns", window[0], "bin_ns", bin),
                Integer.MAX_VALUE);
        overTime.put("bins", TIME_BINS);
        overTime.put("bin_ns", bin);
        figures.put("over_time", overTime);
        figures.put("transitions", table("State transitions", ReportQueries.sql("transitions"), Integer.MAX_VALUE));
        figures.put(
                "time_in_state",
                table(
                        "Time in each state (from the move into it to the move out)",
                        ReportQueries.sql("time_in_state"),
                        Integer.MAX_VALUE));
        figures.put("top_remote", table("Top remote endpoints", ReportQueries.sql("top_remote"), caps.tableRows));
        figures.put("top_process", table("Top processes", ReportQueries.sql("top_process"), caps.tableRows));
        figures.put("top_local_port", table("Top local ports", ReportQueries.sql("top_local_port"), caps.tableRows));
        figures.put(
                "connections",
                table("Connections", ReportQueries.sql("connections", "start_ns", window[0]), caps.tableRows));
        data.put("figures", figures);
        data.put("caps", capped);
        return data;
    }

    private Map<String, Object> context(TraceFooter footer) {
        TraceMetadata m = footer.metadata();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("file", footer.path().toFile().getName());
        c.put("file_bytes", footer.fileBytes());
        c.put("hostname", m.host().hostname());
        c.put("boot_id", m.host().bootId());
        c.put("kernel", m.host().uname().release());
        c.put("kernel_version", m.host().uname().version());
        c.put("machine", m.host().uname().machine());
        c.put("timezone", m.host().timezone());
        c.put("recording", present(m.recording()));
        c.put("rows", footer.rows());
        c.put("events", m.events());
        c.put("lost_events", m.lostEvents().total());
        c.put("lost_by_type", m.lostEvents().byType());
        c.put("broken_lifetimes", m.lifetimes().broken());
        c.put("sampling", present(m.sampling().tcpProbe()));
        c.put("sampled_out", m.bpfCounters().sampledOut());
        c.put("filters", present(m.filters()));
        c.put("missing_tracepoints", m.missingTracepoints());
        c.put("recovered", m.recovered());
        c.put("tool", present(m.tool()));
        c.put("scrubbed", !JsonCodec.absent(m.scrub()));
        c.put("congestion_control", m.sysctls() == null ? null : m.sysctls().get("net.ipv4.tcp_congestion_control"));
        return c;
    }

    /** A metadata object, or null when the trace has none. */
    private static Object present(Object section) {
        return JsonCodec.absent(section) ? null : section;
    }

    /** The recording's start and end (UTC ns), else the first and last event's. */
    private long[] window() {
        long[] w = new long[2];
        query(ReportQueries.sql("recording_window"), rs -> {
            w[0] = rs.getLong(1);
            w[1] = rs.getLong(2);
        });
        if (w[0] == 0 && w[1] == 0) {
            long now = System.currentTimeMillis() * 1_000_000L;
            w[0] = now;
            w[1] = now;
        }
        // events may fall just outside the stated window (clock reads bracket the recording)
        query(ReportQueries.sql("event_window"), rs -> {
            if (rs.getObject(1) != null) {
                w[0] = Math.min(w[0], rs.getLong(1));
                w[1] = Math.max(w[1], rs.getLong(2));
            }
        });
        return w;
    }

    /**
     * Connections as bars, each split into the states it went through, packed into lanes so that
     * bars that do not overlap in time share a line.
     */
    private Map<String, Object> timeline(long start) {
        String sql = ReportQueries.sql("timeline", "limit", caps.timelineConnections, "start_ns", start);
        List<Map<String, Object>> bars = new ArrayList<>();
        query(sql, rs -> {
            Map<String, Object> bar = new LinkedHashMap<>();
            bar.put("from", rs.getDouble("from_ms"));
            bar.put("to", rs.getDouble("to_ms"));
            bar.put("pid", rs.getObject("pid"));
            bar.put("comm", rs.getString("comm"));
            bar.put("local", endpoint(rs.getString("laddr"), rs.getInt("lport")));
            bar.put("remote", endpoint(rs.getString("raddr"), rs.getInt("rport")));
            bar.put("tx", json(rs.getObject("tx_bytes")));
            bar.put("rx", json(rs.getObject("rx_bytes")));
            bar.put("note", rs.getString("note"));
            List<Object> states = new ArrayList<>();
            states.add(List.of(rs.getDouble("from_ms"), String.valueOf(rs.getString("first_oldstate"))));
            List<Object> times = listOf(rs.getObject("state_ms"));
            List<Object> names = listOf(rs.getObject("state_names"));
            for (int i = 0; i < times.size(); i++) {
                states.add(List.of(((Number) times.get(i)).doubleValue(), String.valueOf(names.get(i))));
            }
            bar.put("states", states);
            bars.add(bar);
        });
        // lanes: a bar takes the lowest-numbered lane free at its start (bars come in start order)
        PriorityQueue<double[]> busy = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        PriorityQueue<Integer> free = new PriorityQueue<>();
        int lanes = 0;
        for (Map<String, Object> bar : bars) {
            double from = (Double) bar.get("from");
            while (!busy.isEmpty() && busy.peek()[0] < from) {
                free.add((int) busy.poll()[1]);
            }
            int lane = free.isEmpty() ? lanes++ : free.poll();
            bar.put("lane", lane);
            busy.add(new double[] {(Double) bar.get("to"), lane});
        }
        long[] total = new long[1];
        query(ReportQueries.sql("connection_count"), rs -> total[0] = rs.getLong(1));
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("title", "Connections over time");
        figure.put("sql", sql);
        figure.put("bars", bars);
        figure.put("lanes", lanes);
        figure.put("total", total[0]);
        if (total[0] > bars.size()) {
            capped.add(ordered(
                    "figure",
                    "timeline",
                    "shown",
                    bars.size(),
                    "total",
                    total[0],
                    "how",
                    "the first " + bars.size() + " connections by their first state change"));
        }
        return figure;
    }

    /**
     * A map that keeps the order its keys are given in: the page's JSON is written in map order,
     * and Map.of's order changes from run to run, which made two reports of one trace differ.
     */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String endpoint(String address, int port) {
        return (address != null && address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /** Power-of-two buckets of a positive quantity, and its percentiles. */
    private Map<String, Object> histogram(String title, String column, String unit, String values) {
        String sql = ReportQueries.sql("histogram_buckets", "values", values);
        String stats = ReportQueries.sql("histogram_stats", "values", values);
        Map<String, Object> figure = table(title, sql, Integer.MAX_VALUE);
        Map<String, Object> summary = table(title, stats, 1);
        figure.put("sql", sql + ";\n\n" + stats);
        figure.put("stats", summary.get("rows"));
        figure.put("stats_columns", summary.get("columns"));
        figure.put("column", column);
        figure.put("unit", unit);
        return figure;
    }

    /** A figure made of one query's result: columns, rows (at most {@code cap}), the total and the SQL. */
    private Map<String, Object> table(String title, String sql, int cap) {
        List<String> columns = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        long[] total = new long[1];
        query(sql, rs -> {
            if (columns.isEmpty()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
            }
            total[0]++;
            if (rows.size() < cap) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(json(rs.getObject(i)));
                }
                rows.add(row);
            }
        });
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("title", title);
        figure.put("sql", sql);
        figure.put("columns", columns);
        figure.put("rows", rows);
        figure.put("total", total[0]);
        if (total[0] > rows.size()) {
            capped.add(ordered(
                    "figure",
                    title,
                    "shown",
                    rows.size(),
                    "total",
                    total[0],
                    "how",
                    "the first " + rows.size() + " rows in the query's order"));
        }
        return figure;
    }

    /** A value as JSON can carry it: integers beyond 2^53 (kernel addresses) as text, as JavaScript would round them. */
    static Object json(Object v) {
        if (v == null || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() <= 53 ? (Object) b.longValue() : b.toString();
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof Long l) {
            return Math.abs(l) < (1L << 53) ? l : String.valueOf(l);
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? null : d;
        }
        if (v instanceof Number n) {
            return n;
        }
        return String.valueOf(v);
    }

    private static List<Object> listOf(Object value) {
        try {
            if (value instanceof Array a) {
                // a list of a damaged trace's values may hold nulls, which List.of refuses
                return java.util.Arrays.asList((Object[]) a.getArray());
            }
        } catch (SQLException e) {
            throw new UserError("cannot read a list from DuckDB: " + TraceDatabase.firstLine(e.getMessage()), e);
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (value instanceof Object[] a) {
            return List.of(a);
        }
        return List.of();
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Statement s = db.connection().createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        } catch (SQLException e) {
            throw new UserError("report query failed: " + TraceDatabase.firstLine(e.getMessage()), e);
        }
    }

    /**
     * JSON that can sit inside a script element: "<" and ">" only occur inside JSON strings, so
     * escaping them there keeps "</script>" or "<!--" in a process or host name from ending the
     * element; "&" likewise for good measure. U+2028/2029 are legal in JSON but not in older
     * JavaScript source.
     */
    static String scriptSafeJson(Object data) {
        String json = JsonCodec.writeCompact(data);
        StringBuilder out = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream("/org/tcprec/analyzer/html/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the analyzer");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name + " is unreadable", e);
        }
    }
}
