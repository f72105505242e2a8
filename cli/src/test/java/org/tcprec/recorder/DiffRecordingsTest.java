package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.cli.TcprecRun;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * tcprec diff on recordings made here, on the real kernel, of workloads whose difference the
 * test controls: the same workload twice (no change beyond noise), with packets dropped by
 * nftables (retransmits and connect latency up), for twice as long (rates unchanged), and with
 * cubic versus bbr as the namespace's congestion control (the sysctl and cwnd/srtt differ).
 */
@ExtendWith(NetnsExtension.class)
class DiffRecordingsTest {
    /** Enough connections in 4 s for every quantile to be tested (a p99 needs 1000 a side). */
    private static final int RATE = 300;

    private static final double SECONDS = 4;
    private static final int BYTES = 3000;

    @TempDir
    static Path dir;

    static Path baseline;
    static Path repeat;
    static Path longer;
    static Path lossy;
    static long lossyRetransSegs;
    static long lossySynRetrans;

    /** The recordings compared with each other share one namespace, kept for the whole class. */
    @BeforeAll
    static void record(TestNetns ns) throws Exception {
        baseline = dir.resolve("baseline.parquet");
        repeat = dir.resolve("repeat.parquet");
        longer = dir.resolve("longer.parquet");
        lossy = dir.resolve("lossy.parquet");
        // a recording thrown away first: the first run of the workload and of the recorder in
        // this JVM keep the compiler busy on the test's 2 cores, and the stalls that leaves in the
        // first recording's connections reach the tail quantiles that the diff tests
        recordPaced(ns, dir.resolve("warm-up.parquet"), SECONDS);
        recordPaced(ns, baseline, SECONDS);
        recordPaced(ns, repeat, SECONDS);
        recordPaced(ns, longer, 2 * SECONDS);
        Map<String, Long> before = ns.tcpCounters();
        Map<String, Long> extBefore = ns.tcpExtCounters();
        // 3% of all TCP packets, SYNs included, in both directions
        ns.nft("table inet tcprec_loss {\n chain out {\n  type filter hook output priority 0; policy accept;\n"
                + "  meta l4proto tcp numgen random mod 100 < 3 drop\n }\n}\n");
        try {
            recordPaced(ns, lossy, SECONDS);
        } finally {
            ns.nft("delete table inet tcprec_loss\n");
        }
        lossyRetransSegs = ns.tcpCounters().get("RetransSegs") - before.get("RetransSegs");
        lossySynRetrans = ns.tcpExtCounters().get("TCPSynRetrans") - extBefore.get("TCPSynRetrans");
    }

    private static void recordPaced(TestNetns ns, Path trace, double seconds) throws Exception {
        try (BackgroundRecording recording = BackgroundRecording.of(ns, trace)) {
            assertEquals((int) (RATE * seconds), PacedEchoWorkload.run(ns, RATE, seconds, BYTES));
            ns.quiesce();
            Thread.sleep(200);
            recording.stop();
        }
    }

    static Map<String, Object> diff(Path before, Path after, String... extra) {
        return diff(0, before, after, extra);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> diff(int exit, Path before, Path after, String... extra) {
        List<String> args = new ArrayList<>(List.of("diff", "--json", before.toString(), after.toString()));
        args.addAll(List.of(extra));
        TcprecRun run = TcprecRun.of(args.toArray(new String[0]));
        assertEquals(exit, run.exit(), run.err());
        return (Map<String, Object>) JsonCodec.value(run.out());
    }

    /** The text form, for failure messages a reader can act on. */
    static String text(Path before, Path after) {
        return TcprecRun.of("diff", before.toString(), after.toString()).out();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metric(Map<String, Object> diff, String name) {
        for (Object m : (List<Object>) diff.get("metrics")) {
            Map<String, Object> metric = (Map<String, Object>) m;
            if (metric.get("name").equals(name)) {
                return metric;
            }
        }
        throw new AssertionError("no metric " + name + " in " + diff.get("metrics"));
    }

    @SuppressWarnings("unchecked")
    static List<String> significant(Map<String, Object> diff) {
        List<String> names = new ArrayList<>();
        for (Object m : (List<Object>) diff.get("metrics")) {
            Map<String, Object> metric = (Map<String, Object>) m;
            if (Boolean.TRUE.equals(metric.get("significant"))) {
                names.add(metric.get("name") + " " + metric.get("test"));
            }
        }
        return names;
    }

    /**
     * The connections counted are those the test made, off by at most the events the trace says
     * were lost or missing: a state change the kernel skipped (another BPF program was running on
     * that CPU) can hide its connection's start, or split its lifetime in two. The trace counts the
     * skips the kernel reports, and the writer counts the lifetimes that skip a state, which is how
     * a skip the kernel did not report shows.
     */
    static void assertMadeAndLost(double made, double counted, Path trace) throws Exception {
        TraceMetadata metadata = TraceFooter.read(trace).metadata();
        long lost = metadata.lostEvents().total();
        long broken = metadata.lifetimes().broken();
        if (!(counted <= made + lost + broken && counted >= made - lost - broken)) {
            throw new AssertionError(counted + " counted of " + made + " made, " + lost + " lost, " + broken
                    + " broken lifetimes; the lifetimes that are not a whole connection:\n" + unusualLifetimes(trace));
        }
    }

    /**
     * For a failure message: the trace's lifetimes that did not begin with a socket's first change
     * or did not reach CLOSE, with their state changes (a lifetime split in two shows here).
     */
    static String unusualLifetimes(Path trace) {
        TcprecRun run = TcprecRun.of(
                "sql",
                trace.toString(),
                "SELECT c.skaddr, c.life, c.lport, c.rport, c.complete, "
                        + "string_agg(s.oldstate || '>' || s.newstate || '@' || s.ts_ns, ' ' ORDER BY s.seq) AS changes "
                        + "FROM connections c JOIN state_changes s USING (skaddr, life) "
                        + "WHERE NOT c.complete OR c.first_oldstate NOT IN ('CLOSE', 'LISTEN') GROUP BY ALL ORDER BY 1, 2 LIMIT 40");
        return run.out() + run.err();
    }

    static double number(Map<String, Object> metric, String key) {
        return ((Number) metric.get(key)).doubleValue();
    }

    @Test
    void theSameWorkloadTwiceShowsNoChangeBeyondNoise() throws Exception {
        Map<String, Object> d = diff(baseline, repeat);
        assertEquals(List.of(), significant(d), () -> text(baseline, repeat));
        Map<String, Object> connects = metric(d, "connects_per_s");
        assertMadeAndLost(SECONDS * RATE, number(connects, "n_before"), baseline);
        assertMadeAndLost(SECONDS * RATE, number(connects, "n_after"), repeat);
        assertEquals(Boolean.FALSE, d.get("failed"));
    }

    @Test
    void droppedPacketsShowAsSignificantRetransmitAndLatencyRegressions() {
        Map<String, Object> d = diff(3, baseline, lossy, "--fail-on", "retransmits_per_conn>+20%");
        Map<String, Object> retransmits = metric(d, "retransmits_per_conn");
        assertEquals(Boolean.TRUE, retransmits.get("significant"), retransmits.toString());
        assertEquals(0.0, number(retransmits, "n_before"), "no loss, no retransmits in the baseline");
        // every retransmit the diff counts is one the namespace's kernel counted (it also counts
        // tail-loss probes and retransmits after a socket's last transition, which a lifetime misses)
        double counted = number(retransmits, "n_after");
        assertTrue(counted > 0 && counted <= lossyRetransSegs, counted + " vs RetransSegs " + lossyRetransSegs);
        // the recording's own totals: every retransmit event, as the kernel's RetransSegs counts them
        Map<String, Object> perSecond = metric(d, "retransmits_per_s");
        assertTrue(number(perSecond, "n_after") <= lossyRetransSegs && number(perSecond, "n_after") >= counted);
        assertTrue(lossySynRetrans > 0, "3% loss over a thousand SYNs dropped none");
        // a lost SYN or SYN/ACK costs a one-second timeout: the connect latency's upper quantile jumps
        Map<String, Object> connectP99 = metric(d, "connect_p99");
        assertTrue(number(connectP99, "after") >= 900, connectP99.toString());
        assertTrue(
                Boolean.TRUE.equals(connectP99.get("significant"))
                        || Boolean.TRUE.equals(metric(d, "connect_p90").get("significant")),
                "connect latency: " + connectP99);
        assertTrue(number(connectP99, "change") > 0, "latency went up, not down");
        assertEquals(Boolean.TRUE, d.get("failed"));

        TcprecRun gate = TcprecRun.of(
                "diff",
                baseline.toString(),
                lossy.toString(),
                "--fail-on",
                "retransmits_per_conn>+20%,connect_p99>+5ms");
        assertEquals(3, gate.exit(), gate.err());
        assertTrue(gate.err().contains("retransmits_per_conn>+20%"), gate.err());
        TcprecRun noGate = TcprecRun.of(
                "diff",
                baseline.toString(),
                repeat.toString(),
                "--fail-on",
                "retransmits_per_conn>+20%,connect_p99>+5ms");
        assertEquals(0, noGate.exit(), noGate.err());
    }

    @Test
    void recordingsOfDifferentLengthsCompareBySecondNotByCount() throws Exception {
        Map<String, Object> d = diff(baseline, longer);
        Map<String, Object> connects = metric(d, "connects_per_s");
        assertMadeAndLost(SECONDS * RATE, number(connects, "n_before"), baseline);
        assertMadeAndLost(2 * SECONDS * RATE, number(connects, "n_after"), longer);
        // twice the connections over twice the time: the same rate, within the recorder's start and stop
        assertTrue(Math.abs(number(connects, "relative_change")) < 0.15, connects.toString());
        assertEquals(Boolean.FALSE, connects.get("significant"));
        assertEquals(List.of(), significant(d), () -> text(baseline, longer));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMarkdownAndTextFormsCarryTheJsonVerdicts() throws Exception {
        Map<String, Object> d = diff(baseline, lossy);
        TcprecRun md = TcprecRun.of("diff", "--markdown", baseline.toString(), lossy.toString());
        assertEquals(0, md.exit(), md.err());
        TcprecRun text = TcprecRun.of("diff", baseline.toString(), lossy.toString());
        assertEquals(0, text.exit(), text.err());
        int significant = 0;
        for (Object m : (List<Object>) d.get("metrics")) {
            Map<String, Object> metric = (Map<String, Object>) m;
            String name = (String) metric.get("name");
            boolean marked = Boolean.TRUE.equals(metric.get("significant"));
            significant += marked ? 1 : 0;
            assertEquals(
                    marked,
                    text.out().lines().anyMatch(l -> l.matches("\\* " + name + " .*")),
                    name + "\n" + text.out());
            assertEquals(marked, md.out().contains("| **" + name + "** |"), name + "\n" + md.out());
        }
        assertTrue(significant > 0);
        TcprecRun byPort = TcprecRun.of("diff", baseline.toString(), lossy.toString(), "--by", "rport", "--top", "3");
        assertEquals(0, byPort.exit(), byPort.err());
        // the clients' connections all go to the server's port: that group holds the regression
        Matcher group = Pattern.compile(
                        "(?m)^rport = " + EchoTraffic.FIXED_PORT + " \\((\\d+) vs (\\d+) connections\\)$")
                .matcher(byPort.out());
        assertTrue(group.find(), byPort.out());
        assertMadeAndLost(SECONDS * RATE, Double.parseDouble(group.group(1)), baseline);
        assertMadeAndLost(SECONDS * RATE, Double.parseDouble(group.group(2)), lossy);
        assertEquals(
                3, byPort.out().lines().filter(l -> l.startsWith("rport = ")).count(), byPort.out());
    }

    /**
     * tcpstates prints a 1.1 trace in file order without sorting, trusting DuckDB to keep a plain
     * scan in order: the same trace cut into many row groups, which DuckDB scans in parallel,
     * must print the same lines, in time order.
     */
    @Test
    void aTraceOfManyRowGroupsReplaysInTimeOrder() throws Exception {
        Path split = dir.resolve("split.parquet");
        String metadata = JsonCodec.writeCompact(TraceFooter.read(lossy).metadataJson());
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                var s = c.prepareStatement("COPY (SELECT * FROM read_parquet(?)) TO '" + split + "' (FORMAT parquet, "
                        + "ROW_GROUP_SIZE 1000, KV_METADATA {'tcprec.format_version': '"
                        + org.tcprec.format.TraceSchema.VERSION + "', 'tcprec.metadata': ?})")) {
            s.setString(1, lossy.toString());
            s.setString(2, metadata);
            s.execute();
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                var s = c.prepareStatement("SELECT count(*) FROM parquet_metadata(?) WHERE column_id = 0")) {
            s.setString(1, split.toString());
            try (var rs = s.executeQuery()) {
                rs.next();
                assertTrue(rs.getLong(1) >= 4, "row groups: " + rs.getLong(1));
            }
        }
        TcprecRun whole = TcprecRun.of("tcpstates", "-t", lossy.toString());
        TcprecRun parts = TcprecRun.of("tcpstates", "-t", split.toString());
        assertEquals(0, parts.exit(), parts.err());
        assertEquals(whole.out(), parts.out());
        double last = -1;
        for (String line : parts.out().lines().skip(1).toList()) {
            double t = Double.parseDouble(line.substring(0, line.indexOf(' ')));
            assertTrue(t >= last, "out of time order at: " + line);
            last = t;
        }
        assertTrue(last > 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void congestionControlCubicVersusBbrShowsInTheSysctlsAndInTheWindow(TestNetns forCubic, TestNetns forBbr)
            throws Exception {
        Path cubic = dir.resolve("cubic.parquet");
        Path bbr = dir.resolve("bbr.parquet");
        recordBulk(forCubic, "cubic", cubic);
        recordBulk(forBbr, "bbr", bbr);

        Map<String, Object> d = diff(cubic, bbr);
        Map<String, Object> cc = null;
        for (Object row : (List<Object>) d.get("context")) {
            Map<String, Object> r = (Map<String, Object>) row;
            if (r.get("name").equals("net.ipv4.tcp_congestion_control")) {
                cc = r;
            }
        }
        assertEquals(
                Map.of("name", "net.ipv4.tcp_congestion_control", "before", "cubic", "after", "bbr", "differs", true),
                cc);
        Map<String, Object> cwnd = metric(d, "cwnd_p50");
        Map<String, Object> srtt = metric(d, "srtt_p50");
        // 12 echo connections: each side of each sends 4 MB, so 24 connections with data in flight
        assertTrue(number(cwnd, "n_before") >= 20 && number(cwnd, "n_after") >= 20, cwnd.toString());
        assertTrue(number(srtt, "n_before") >= 20 && number(srtt, "n_after") >= 20, srtt.toString());
        // cubic and bbr size the window by different rules (loss-based growth against a model of
        // bandwidth and delay); which is larger depends on the workload, that they differ does not
        assertTrue(
                Boolean.TRUE.equals(cwnd.get("significant"))
                        || Boolean.TRUE.equals(metric(d, "cwnd_p90").get("significant")),
                () -> text(cubic, bbr));
    }

    /** Bulk echo transfers in {@code ns}, a fresh namespace, made to default to {@code algorithm}. */
    private static void recordBulk(TestNetns ns, String algorithm, Path trace) throws Exception {
        // an Ethernet-sized MTU: with loopback's 64 KiB one the window never needs to grow
        TestNetns.run("ip", "-n", ns.name, "link", "set", "lo", "mtu", "1500");
        setCongestionControl(ns, algorithm);
        assertEquals(algorithm, ns.inside(() -> Files.readString(SYSCTL).trim()));
        RecordingConfig config = BackgroundRecording.config(ns, trace, 0);
        try (BackgroundRecording recording = BackgroundRecording.start(config)) {
            long[] sizes = new long[12];
            java.util.Arrays.fill(sizes, 4_000_000);
            EchoTraffic.run(ns, "127.0.0.1", sizes);
            ns.quiesce();
            Thread.sleep(200);
            recording.stop();
        }
        assertEquals(
                algorithm,
                TraceFooter.read(trace).metadata().sysctls().get("net.ipv4.tcp_congestion_control"),
                "the trace records the namespace's sysctls, not the host's");
    }

    private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/tcp_congestion_control");
    private static final Path ALLOWED = Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control");

    /**
     * A namespace may only default to an algorithm the host allows unprivileged sockets; for the
     * moment of the write the host's list is widened, then restored exactly.
     */
    private static void setCongestionControl(TestNetns ns, String algorithm) throws Exception {
        String allowed = Files.readString(ALLOWED).trim();
        boolean widen = !List.of(allowed.split(" ")).contains(algorithm);
        if (widen) {
            Files.writeString(ALLOWED, allowed + " " + algorithm);
        }
        try {
            ns.inside(() -> Files.writeString(SYSCTL, algorithm));
        } finally {
            if (widen) {
                Files.writeString(ALLOWED, allowed);
            }
        }
        assertEquals(allowed, Files.readString(ALLOWED).trim());
    }
}
