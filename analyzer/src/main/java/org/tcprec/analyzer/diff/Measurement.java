package org.tcprec.analyzer.diff;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceFooter;

/**
 * The metrics of one trace, measured on the analyzer's views (connections, state_changes,
 * retransmits, resets, probes), so that a diff and the reports count the same things.
 *
 * <p>Counts become rates over an exposure (seconds of recording, connections, megabytes sent),
 * so recordings of different lengths compare. Distributions are taken per connection, the
 * independent unit: a connection's srtt and cwnd are the medians of its own tcp_probe samples.
 */
final class Measurement {
    /** Values kept per distribution for resampling: enough for stable intervals, bounded memory. */
    static final int SAMPLE_LIMIT = 2000;

    static final double[] QUANTILES = {0.5, 0.9, 0.99};

    /** Registry of every metric a diff can show, in the order it shows them. */
    static final Map<String, MetricSpec> SPECS = new LinkedHashMap<>();

    static {
        rate("connects_per_s", "/s", "active opens that reached ESTABLISHED");
        rate("accepts_per_s", "/s", "passive opens that reached ESTABLISHED");
        rate("failed_connects_per_s", "/s", "active opens closed before ESTABLISHED");
        rate("retransmits_per_s", "/s", "tcp_retransmit_skb events");
        rate("retransmits_per_conn", "/conn", "retransmits during a connection's lifetime, per connection");
        rate("retransmits_per_mb", "/MB", "retransmits per MB acked by the same connections");
        rate("synack_retransmits_per_s", "/s", "tcp_retransmit_synack events");
        rate("resets_sent_per_s", "/s", "tcp_send_reset events");
        rate("resets_received_per_s", "/s", "tcp_receive_reset events");
        distribution("lifespan", "ms", true, "connection lifespan as tcplife measures it (complete connections)");
        distribution("connect", "ms", true, "SYN_SENT -> ESTABLISHED latency");
        distribution("bytes_per_conn", "B", false, "bytes acked + received per complete connection");
        distribution(
                "srtt",
                "us",
                false,
                "per connection: median smoothed RTT of its tcp_probe samples with data in flight");
        distribution(
                "cwnd", "pkts", false, "per connection: median snd_cwnd of its tcp_probe samples with data in flight");
    }

    private static void rate(String name, String unit, String description) {
        SPECS.put(name, MetricSpec.plain(name, unit, description));
    }

    private static void distribution(String base, String unit, boolean withMax, String description) {
        for (double q : QUANTILES) {
            SPECS.put(base + "_" + label(q), spec(base + "_" + label(q), unit, description));
        }
        if (withMax) {
            SPECS.put(base + "_max", spec(base + "_max", unit, description));
        }
    }

    static MetricSpec spec(String name, String unit, String description) {
        return unit.equals("ms") || unit.equals("us")
                ? MetricSpec.time(name, unit, description)
                : MetricSpec.plain(name, unit, description);
    }

    /** The spec of a metric, including the per-state ones that exist only when a trace has the state. */
    static MetricSpec specOf(String name) {
        MetricSpec spec = SPECS.get(name);
        if (spec == null && name.startsWith("state_")) {
            return MetricSpec.time(name, "ms", "time spent in the state before leaving it (tcpstates' MS)");
        }
        return spec;
    }

    static String label(double q) {
        return q >= 1 ? "max" : "p" + Math.round(q * 100);
    }

    /** What a diff can break the metrics down by; each maps to a fixed column, never to user text. */
    enum Dimension {
        RPORT("CAST(rport AS VARCHAR)"),
        RADDR("raddr"),
        COMM("coalesce(comm, '?')");

        final String expression;

        Dimension(String expression) {
            this.expression = expression;
        }
    }

    final TraceFooter footer;
    final double seconds;
    final boolean durationFromEvents;
    /** Metric name -> observation, for the whole trace. */
    final Map<String, Observation> totals = new LinkedHashMap<>();
    /** Group -> its connection count, every group of the --by dimension. */
    final Map<String, Long> groupConnections = new LinkedHashMap<>();

    private final TraceDatabase db;

    private Measurement(TraceDatabase db, TraceFooter footer, double seconds, boolean durationFromEvents) {
        this.db = db;
        this.footer = footer;
        this.seconds = seconds;
        this.durationFromEvents = durationFromEvents;
    }

    /** Measures the whole trace; with a dimension, also prepares per-group measurement. */
    static Measurement of(TraceDatabase db, Dimension by) {
        TraceFooter footer = db.footers().get(0);
        Long durationNs = footer.metadata().recording().durationNs();
        boolean fromEvents = durationNs == null || durationNs <= 0;
        try {
            try (Statement s = db.connection().createStatement()) {
                s.execute(perConnectionTable(by));
                if (fromEvents) {
                    try (ResultSet rs =
                            s.executeQuery("SELECT max(epoch_ns(time)) - min(epoch_ns(time)) FROM raw_events")) {
                        rs.next();
                        durationNs = rs.getLong(1);
                    }
                }
            }
            Measurement m = new Measurement(db, footer, Math.max(durationNs, 1) / 1e9, fromEvents);
            m.measureTotals();
            if (by != null) {
                m.countGroups();
            }
            return m;
        } catch (SQLException e) {
            throw new UserError("cannot measure " + footer.path() + ": " + TraceDatabase.firstLine(e.getMessage()), e);
        }
    }

    /**
     * One row per connection lifetime with what the metrics need: the retransmits and tcp_probe
     * samples of the same socket lifetime (skaddr, life).
     */
    private static String perConnectionTable(Dimension by) {
        String group = by == null ? "NULL::VARCHAR" : by.expression;
        return "CREATE TEMP TABLE diff_connections AS "
                + "WITH c AS (SELECT filename, skaddr, life, " + group
                + " AS grp, complete, active, passive, connected_ns, "
                + "accepted_ns, close_ns, span_us, connect_us, tx_bytes, rx_bytes, first_ns FROM connections), "
                // only samples with data in flight: a receiver's cwnd never moves and says nothing
                + "p AS (SELECT skaddr, life, median(srtt_us) AS srtt_us, median(snd_cwnd) AS cwnd FROM probes "
                + "WHERE snd_nxt <> snd_una GROUP BY ALL) "
                + "SELECT c.*, coalesce(r.retransmits, 0) AS retransmits, p.srtt_us, p.cwnd "
                + "FROM c LEFT JOIN connection_events r USING (filename, skaddr, life) LEFT JOIN p USING (skaddr, life)";
    }

    private void measureTotals() throws SQLException {
        measureConnections(null, totals);
        try (Statement s = db.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT "
                        + "(SELECT count(*) FROM retransmits WHERE kind = 'R'), "
                        + "(SELECT count(*) FROM retransmits WHERE kind = 'S'), "
                        + "(SELECT count(*) FROM resets WHERE direction = 'sent'), "
                        + "(SELECT count(*) FROM resets WHERE direction = 'received')")) {
            rs.next();
            totals.put("retransmits_per_s", perSecond(rs.getLong(1)));
            totals.put("synack_retransmits_per_s", perSecond(rs.getLong(2)));
            totals.put("resets_sent_per_s", perSecond(rs.getLong(3)));
            totals.put("resets_received_per_s", perSecond(rs.getLong(4)));
        }
        // time in each state, as tcpstates' MS: only where the state's start was seen
        List<String> states = new ArrayList<>();
        try (Statement s = db.connection().createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT DISTINCT oldstate FROM state_changes WHERE NOT starts_life " + "ORDER BY oldstate")) {
            while (rs.next()) {
                states.add(rs.getString(1));
            }
        }
        for (String state : states) {
            distribution(
                    "state_" + state,
                    "SELECT ns_in_oldstate / 1e6 AS x, ts_ns AS h FROM state_changes "
                            + "WHERE NOT starts_life AND oldstate = ?",
                    new Object[] {state},
                    new double[] {0.5, 0.99},
                    totals);
        }
        orderLike(totals);
    }

    /** Measures one group of the --by dimension (null: all connections). */
    Map<String, Observation> group(String group) {
        Map<String, Observation> out = new LinkedHashMap<>();
        try {
            measureConnections(group, out);
        } catch (SQLException e) {
            throw new UserError("cannot measure " + footer.path() + ": " + TraceDatabase.firstLine(e.getMessage()), e);
        }
        return out;
    }

    private void measureConnections(String group, Map<String, Observation> out) throws SQLException {
        String where = group == null ? "TRUE" : "grp = ?";
        Object[] parameters = group == null ? new Object[0] : new Object[] {group};
        try (PreparedStatement s = db.connection()
                .prepareStatement("SELECT "
                        + "count(*) FILTER (WHERE active AND connected_ns IS NOT NULL), "
                        + "count(*) FILTER (WHERE passive AND accepted_ns IS NOT NULL), "
                        + "count(*) FILTER (WHERE active AND connected_ns IS NULL AND close_ns IS NOT NULL), "
                        + "count(*), coalesce(sum(retransmits), 0), coalesce(sum(tx_bytes), 0) "
                        + "FROM diff_connections WHERE " + where)) {
            TraceDatabase.bind(s, parameters);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                out.put("connects_per_s", perSecond(rs.getLong(1)));
                out.put("accepts_per_s", perSecond(rs.getLong(2)));
                out.put("failed_connects_per_s", perSecond(rs.getLong(3)));
                out.put("retransmits_per_conn", new Observation.Rate(rs.getLong(5), rs.getLong(4), "connections"));
                out.put("retransmits_per_mb", new Observation.Rate(rs.getLong(5), rs.getLong(6) / 1e6, "MB"));
            }
        }
        String from = " FROM diff_connections WHERE " + where;
        distribution(
                "lifespan",
                "SELECT span_us / 1000.0 AS x, first_ns AS h" + from + " AND complete",
                parameters,
                withMax(),
                out);
        distribution("connect", "SELECT connect_us / 1000.0 AS x, first_ns AS h" + from, parameters, withMax(), out);
        distribution(
                "bytes_per_conn",
                "SELECT (tx_bytes + rx_bytes)::DOUBLE AS x, first_ns AS h" + from + " AND complete",
                parameters,
                QUANTILES,
                out);
        distribution("srtt", "SELECT srtt_us::DOUBLE AS x, first_ns AS h" + from, parameters, QUANTILES, out);
        distribution("cwnd", "SELECT cwnd::DOUBLE AS x, first_ns AS h" + from, parameters, QUANTILES, out);
    }

    private static double[] withMax() {
        return new double[] {0.5, 0.9, 0.99, 1};
    }

    /**
     * The quantiles of x over the rows of the query (columns x and h, h the row's time), computed
     * over every row, plus at most SAMPLE_LIMIT of them in time order (every k-th) as the sample
     * to resample: time order, because the bootstrap resamples blocks of neighbours.
     */
    private void distribution(
            String base, String rows, Object[] parameters, double[] quantiles, Map<String, Observation> out)
            throws SQLException {
        StringBuilder select = new StringBuilder("SELECT count(x)");
        for (double q : quantiles) {
            select.append(q >= 1 ? ", max(x)" : ", quantile_cont(x, " + q + ")");
        }
        long n;
        double[] values = new double[quantiles.length];
        try (PreparedStatement s =
                db.connection().prepareStatement(select + " FROM (" + rows + ") WHERE x IS NOT NULL")) {
            TraceDatabase.bind(s, parameters);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
                for (int i = 0; i < quantiles.length; i++) {
                    values[i] = rs.getDouble(i + 2);
                }
            }
        }
        double[] sample = new double[(int) Math.min(n, SAMPLE_LIMIT)];
        int taken = 0;
        if (n > 0) {
            long every = (n + SAMPLE_LIMIT - 1) / SAMPLE_LIMIT;
            try (PreparedStatement s = db.connection()
                    .prepareStatement("SELECT x FROM (SELECT x, h, row_number() OVER "
                            + "(ORDER BY h, x) AS k FROM (" + rows + ") WHERE x IS NOT NULL) WHERE k % " + every
                            + " = 0 "
                            + "ORDER BY h, x")) {
                TraceDatabase.bind(s, parameters);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next() && taken < sample.length) {
                        sample[taken++] = rs.getDouble(1);
                    }
                }
            }
        }
        sample = Arrays.copyOf(sample, taken);
        for (int i = 0; i < quantiles.length; i++) {
            out.put(base + "_" + label(quantiles[i]), new Observation.Quantile(quantiles[i], values[i], n, sample));
        }
    }

    private void countGroups() throws SQLException {
        try (Statement s = db.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT grp, count(*) FROM diff_connections WHERE grp IS NOT NULL "
                        + "GROUP BY grp ORDER BY count(*) DESC, grp")) {
            while (rs.next()) {
                groupConnections.put(rs.getString(1), rs.getLong(2));
            }
        }
    }

    private Observation.Rate perSecond(long count) {
        return new Observation.Rate(count, seconds, "s");
    }

    /** The registry's order first, then the per-state metrics. */
    private static void orderLike(Map<String, Observation> metrics) {
        Map<String, Observation> ordered = new LinkedHashMap<>();
        for (String name : SPECS.keySet()) {
            if (metrics.containsKey(name)) {
                ordered.put(name, metrics.get(name));
            }
        }
        metrics.forEach(ordered::putIfAbsent);
        metrics.clear();
        metrics.putAll(ordered);
    }
}
