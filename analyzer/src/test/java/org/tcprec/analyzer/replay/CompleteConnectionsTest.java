package org.tcprec.analyzer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcprec.analyzer.scrub.ScrubKey;
import org.tcprec.analyzer.scrub.TraceScrubber;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.format.EventRow;
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;

/**
 * The one-pass replay of complete connections gives the rows of the connections view, column for
 * column and in the report's order: on every sample trace and on generated timelines that have
 * what real traces have only now and then (sockets closing in the same nanosecond, softirq
 * rows without a task, lifetimes open at either end, listeners, reused addresses, a lifetime
 * cut short by lost events), under every filter tcplife has. And the rules themselves on a
 * timeline worked out by hand.
 */
public class CompleteConnectionsTest {
    @TempDir
    Path dir;

    static final List<String> COLUMNS = List.of(
            "skaddr",
            "pid",
            "comm",
            "owner_pid",
            "owner_comm",
            "family",
            "laddr",
            "lport",
            "raddr",
            "rport",
            "tx_bytes",
            "rx_bytes",
            "netns",
            "cgroup_id",
            "first_ns",
            "start_ns",
            "close_ns",
            "event_ns",
            "span_us",
            "shown_us");
    /** The same columns from the view, as tcplife's query names them for a complete connection. */
    static final String VIEW_COLUMNS = "skaddr, pid, comm, owner_pid, owner_comm, family, laddr, lport, raddr, rport, "
            + "tx_bytes, rx_bytes, netns, cgroup_id, first_ns, start_ns, close_ns, close_ns AS event_ns, span_us, "
            + "span_us AS shown_us";

    public static final String FILTER = "(? = 0 OR family = ?) "
            + "AND (? = '' OR list_contains(string_split(?, ',')::INTEGER[], lport)) "
            + "AND (? = '' OR list_contains(string_split(?, ',')::INTEGER[], rport))";

    /** family, local ports, remote ports, pid, by owner */
    static final Object[][] FILTERS = {
        {0, "", "", 0, false},
        {2, "", "", 0, false},
        {10, "", "", 0, false},
        {0, "80,8080", "", 0, false},
        {0, "", "443", 0, false},
        {2, "80", "443,5432", 0, false},
        {0, "", "", 100, false},
        {0, "", "", 100, true},
        {0, "", "", 300, true},
    };

    /** The committed samples (2.0) and the previous recordings kept in formats 1.0 and 1.1. */
    public static Stream<Path> sampleTraces() throws Exception {
        Path samples = Path.of("..", "sample-traces");
        return Stream.concat(Files.list(samples), Files.list(samples.resolve("older-formats")))
                .filter(p -> p.toString().endsWith(".parquet"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("sampleTraces")
    void sampleTracesGiveTheViewsRows(Path sample) throws Exception {
        // a 1.0 file the scan leaves to the view: scrub writes it in the current format
        Path trace = sample;
        if (!TraceFooter.read(sample).columns().contains("life")) {
            trace = dir.resolve("current-" + sample.getFileName());
            new TraceScrubber(
                            ScrubKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)),
                            new TraceScrubber.Options(false, true))
                    .scrub(sample, trace);
        }
        int rows = assertSameAsView(trace);
        // partial.parquet holds only connections that were open when its recording began or ended
        assertTrue(rows > 0 || sample.endsWith("partial.parquet"), sample + " has complete connections");
    }

    @Test
    void generatedTimelinesGiveTheViewsRows() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            Path trace = dir.resolve("generated-" + seed + ".parquet");
            write(trace, new Timeline(new Random(seed)).rows(4000));
            assertTrue(assertSameAsView(trace) > 500, "seed " + seed);
        }
    }

    /**
     * Thousands of connections open at once, closed in random order: the table of open lifetimes
     * grows past its first size and removes entries from the middle of its probe runs.
     */
    @Test
    void manyConnectionsOpenAtOnce() throws Exception {
        Random random = new Random(11);
        int n = 6000;
        long t = 1_795_000_000_000_000_000L;
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long sk = 0xffff888200000000L + i * 0x800L;
            rows.add(change(
                    t += 10, sk, 2, 40_000 + i % 20_000, 443, "CLOSE", "SYN_SENT", 100 + i % 7, "curl", 1, 0, 1L, 2L));
            rows.add(change(
                    t += 10, sk, 2, 40_000 + i % 20_000, 443, "SYN_SENT", "ESTABLISHED", 0, "swapper/0", 1, 1, 1L, 2L));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        for (int i : order) {
            long sk = 0xffff888200000000L + i * 0x800L;
            rows.add(change(
                    t += 10,
                    sk,
                    2,
                    40_000 + i % 20_000,
                    443,
                    "ESTABLISHED",
                    "FIN_WAIT1",
                    100 + i % 7,
                    "curl",
                    2,
                    1,
                    1L,
                    2L));
            rows.add(change(
                    t += 10, sk, 2, 40_000 + i % 20_000, 443, "FIN_WAIT1", "CLOSE", 0, "swapper/0", i, 2, 1L, 2L));
        }
        Path trace = dir.resolve("many-open.parquet");
        write(trace, rows);
        assertEquals(n, assertSameAsView(trace));
    }

    /** The rules on a timeline worked out by hand (see the comments for what each row must give). */
    @Test
    void theRulesOnAHandMadeTimeline() throws Exception {
        long a = 0xffff888000001000L;
        long b = 0xffff888000002000L;
        long c = 0xffff888000003000L;
        List<EventRow> rows = List.of(
                // a: curl opens, the handshake ends in a softirq, curl closes, CLOSE in a softirq:
                // pid from SYN_SENT (curl), span from the last move into ESTABLISHED
                change(1_000, a, "CLOSE", "SYN_SENT", 100, "curl", 1, 0),
                change(3_000, a, "SYN_SENT", "ESTABLISHED", 0, "swapper/0", 1, 0),
                // b: a passive open, the client closes first, nginx answers with LAST_ACK
                change(4_000, b, "LISTEN", "SYN_RECV", 0, "swapper/1", 0, 0),
                change(5_000, b, "SYN_RECV", "ESTABLISHED", 0, "swapper/1", 0, 0),
                change(6_000, a, "ESTABLISHED", "FIN_WAIT1", 100, "curl", 1, 0),
                change(7_000, a, "FIN_WAIT1", "FIN_WAIT2", 0, "swapper/0", 1, 0),
                change(8_000, b, "ESTABLISHED", "CLOSE_WAIT", 0, "swapper/1", 0, 1),
                change(9_000, b, "CLOSE_WAIT", "LAST_ACK", 200, "nginx", 5000, 1),
                // c: a passive open that the server (php) closes first: no LAST_ACK, so the process
                // is the task at CLOSE (ksoftirqd), for -x too, since that is the last task seen
                change(9_500, c, "LISTEN", "SYN_RECV", 0, "swapper/1", 0, 0),
                change(9_600, c, "SYN_RECV", "ESTABLISHED", 0, "swapper/1", 0, 0),
                change(9_700, c, "ESTABLISHED", "FIN_WAIT1", 300, "php", 10, 0),
                change(10_000, a, "FIN_WAIT2", "CLOSE", 0, "swapper/0", 2048, 3000),
                // b and c close in the same nanosecond: the view orders them by their first time
                change(12_000, c, "FIN_WAIT1", "FIN_WAIT2", 0, "swapper/1", 11, 0),
                change(13_000, c, "FIN_WAIT2", "CLOSE", 17, "ksoftirqd/1", 11, 1),
                change(13_000, b, "LAST_ACK", "CLOSE", 0, "swapper/1", 5001, 1));
        Path trace = dir.resolve("by-hand.parquet");
        write(trace, rows);
        List<String> columns = List.of(
                "skaddr",
                "pid",
                "comm",
                "owner_pid",
                "owner_comm",
                "start_ns",
                "close_ns",
                "span_us",
                "tx_bytes",
                "rx_bytes");
        List<List<Object>> expected = List.of(
                List.of(a, 100L, "curl", 100L, "curl", 3_000L, 10_000L, 7L, 2048L, 3000L),
                List.of(b, 200L, "nginx", 200L, "nginx", 5_000L, 13_000L, 8L, 5001L, 1L),
                List.of(c, 17L, "ksoftirqd/1", 17L, "ksoftirqd/1", 9_600L, 13_000L, 3L, 11L, 1L));
        try (TraceDatabase db = TraceDatabase.open(List.of(trace))) {
            assertEquals(expected, replay(db, columns, new Object[] {0, "", "", 0, false}));
        }
        // -p with -x judges by the owner: a's is curl (100), b's nginx (200), c's ksoftirqd (17)
        try (TraceDatabase db = TraceDatabase.open(List.of(trace))) {
            assertEquals(
                    List.of(List.of(c, 17L, "ksoftirqd/1")),
                    replay(db, List.of("skaddr", "owner_pid", "owner_comm"), new Object[] {0, "", "", 17, true}));
            assertEquals(List.of(), replay(db, List.of("skaddr"), new Object[] {0, "", "", 300, true}));
        }
    }

    /** -x picks the last task that had the socket when the CLOSE ran in a softirq on an idle CPU. */
    @Test
    void theOwnerIsTheLastTaskWithTheSocket() throws Exception {
        long c = 0xffff888000003000L;
        Path trace = dir.resolve("owner.parquet");
        write(
                trace,
                List.of(
                        change(1_000, c, "LISTEN", "SYN_RECV", 0, "swapper/1", 0, 0),
                        change(2_000, c, "SYN_RECV", "ESTABLISHED", 0, "swapper/1", 0, 0),
                        change(3_000, c, "ESTABLISHED", "FIN_WAIT1", 300, "php", 10, 0),
                        change(4_000, c, "FIN_WAIT1", "FIN_WAIT2", 0, "swapper/1", 11, 0),
                        change(5_000, c, "FIN_WAIT2", "CLOSE", 0, "swapper/1", 11, 1)));
        try (TraceDatabase db = TraceDatabase.open(List.of(trace))) {
            assertEquals(
                    List.of(List.of(c, 0L, "swapper/1", 300L, "php")),
                    replay(db, List.of("skaddr", "pid", "comm", "owner_pid", "owner_comm"), new Object[] {
                        0, "", "", 0, false
                    }));
            assertEquals(List.of(List.of(c)), replay(db, List.of("skaddr"), new Object[] {0, "", "", 300, true}));
            assertEquals(List.of(), replay(db, List.of("skaddr"), new Object[] {0, "", "", 300, false}));
        }
        assertSameAsView(trace);
    }

    /** Compares the replay with the view under every filter; returns the unfiltered row count. */
    private static int assertSameAsView(Path trace) throws Exception {
        int unfiltered = -1;
        try (TraceDatabase db = TraceDatabase.open(List.of(trace))) {
            for (Object[] f : FILTERS) {
                List<List<Object>> fromView = view(db, f);
                List<List<Object>> fromReplay = replay(db, COLUMNS, f);
                assertEquals(fromView.size(), fromReplay.size(), trace + " " + Arrays.toString(f) + ": rows");
                for (int i = 0; i < fromView.size(); i++) {
                    assertEquals(fromView.get(i), fromReplay.get(i), trace + " " + Arrays.toString(f) + ": row " + i);
                }
                if (unfiltered < 0) {
                    unfiltered = fromView.size();
                }
            }
        }
        return unfiltered;
    }

    private static List<List<Object>> view(TraceDatabase db, Object[] f) throws Exception {
        String sql = "SELECT " + VIEW_COLUMNS + " FROM connections WHERE complete AND " + FILTER
                + " AND (? = 0 OR (CASE WHEN ? THEN owner_pid ELSE pid END) = ?) ORDER BY close_ns, first_ns, skaddr";
        List<List<Object>> rows = new ArrayList<>();
        try (PreparedStatement s = db.connection().prepareStatement(sql)) {
            TraceDatabase.bind(s, new Object[] {f[0], f[0], f[1], f[1], f[2], f[2], f[3], f[4], f[3]});
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= COLUMNS.size(); i++) {
                        Object v = rs.getObject(i);
                        row.add(
                                v instanceof BigInteger big
                                        ? big.longValue()
                                        : v instanceof Number n ? n.longValue() : v);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The replay's rows over the format's scan (every generated trace here is a 1.1 one it reads). */
    private static List<List<Object>> replay(TraceDatabase db, List<String> columns, Object[] f) {
        TraceFooter footer = db.footers().get(0);
        List<List<Object>> rows = new ArrayList<>();
        CompleteConnections.ScanReplay scan = CompleteConnections.scanReplay(
                footer,
                columns,
                (Integer) f[0],
                ports((String) f[1]),
                ports((String) f[2]),
                ((Number) f[3]).longValue(),
                (Boolean) f[4]);
        assertTrue(scan != null, "the scan reads " + footer.path());
        scan.run(batch -> collect(batch, columns, rows));
        return rows;
    }

    private static List<Integer> ports(String list) {
        List<Integer> ports = new ArrayList<>();
        for (String p : list.split(",")) {
            if (!p.isEmpty()) {
                ports.add(Integer.parseInt(p));
            }
        }
        return ports;
    }

    private static void collect(ColumnBatch batch, List<String> columns, List<List<Object>> rows) {
        for (int r = 0; r < batch.rows(); r++) {
            List<Object> row = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                ColumnVector column = batch.column(c);
                boolean text = columns.get(c).endsWith("comm")
                        || columns.get(c).endsWith("addr") && !columns.get(c).equals("skaddr");
                row.add(column.isNull(r) ? null : text ? column.getString(r) : (Object) column.getLong(r));
            }
            rows.add(row);
        }
    }

    public static void write(Path trace, List<EventRow> rows) throws Exception {
        try (TraceWriter w = new TraceWriter(trace)) {
            for (EventRow row : rows) {
                w.write(row);
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("host", Map.of("hostname", "test")))));
        }
    }

    static EventRow change(
            long t, long sk, String oldstate, String newstate, int tgid, String comm, long acked, long received) {
        return change(t, sk, 2, 40_000, 80, oldstate, newstate, tgid, comm, acked, received, 4026531840L, 7L);
    }

    static EventRow change(
            long t,
            long sk,
            int family,
            int lport,
            int rport,
            String oldstate,
            String newstate,
            int tgid,
            String comm,
            long acked,
            long received,
            Long netns,
            Long cgroup) {
        String laddr = family == 10 ? "2001:db8::1" : "10.0.0.1";
        String raddr = family == 10 ? "2001:db8::" + Integer.toHexString(rport) : "10.0.1." + (rport % 250);
        return EventRowBuilder.row(t, "inet_sock_set_state")
                .task(tgid, tgid, comm)
                .netns(netns)
                .cgroupId(cgroup)
                .skaddr(sk)
                .family(family)
                .local(laddr, lport)
                .remote(raddr, rport)
                .transition(oldstate, newstate)
                .bytes(acked, received)
                .build();
    }

    /**
     * Connections as scripts of state changes, interleaved at random on a shared clock: active
     * and passive opens and closes, failed connects, listeners, connections already open when the
     * recording began or still open when it ended, and a lifetime broken by lost events. The clock
     * sometimes stands still, so that different sockets change state in the same nanosecond; one
     * socket's changes are always apart, as the kernel serialises them.
     */
    public static final class Timeline {
        private static final String[][] ACTIVE = {
            {"CLOSE", "SYN_SENT"},
            {"SYN_SENT", "ESTABLISHED"},
            {"ESTABLISHED", "FIN_WAIT1"},
            {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"}
        };
        private static final String[][] PASSIVE = {
            {"LISTEN", "SYN_RECV"},
            {"SYN_RECV", "ESTABLISHED"},
            {"ESTABLISHED", "CLOSE_WAIT"},
            {"CLOSE_WAIT", "LAST_ACK"},
            {"LAST_ACK", "CLOSE"}
        };
        private static final String[][] SERVER_CLOSES = {
            {"LISTEN", "SYN_RECV"},
            {"SYN_RECV", "ESTABLISHED"},
            {"ESTABLISHED", "FIN_WAIT1"},
            {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"}
        };
        private static final String[][] FAILED_CONNECT = {{"CLOSE", "SYN_SENT"}, {"SYN_SENT", "CLOSE"}};
        private static final String[][] LISTENER = {{"CLOSE", "LISTEN"}, {"LISTEN", "CLOSE"}};
        private static final String[][] OPEN_AT_START = {
            {"ESTABLISHED", "FIN_WAIT1"}, {"FIN_WAIT1", "FIN_WAIT2"}, {"FIN_WAIT2", "CLOSE"}
        };
        private static final String[][] LOST_EVENTS = {
            {"CLOSE", "SYN_SENT"}, {"SYN_SENT", "ESTABLISHED"}, {"FIN_WAIT2", "CLOSE"}
        };
        private static final String[][][] SCRIPTS = {
            ACTIVE,
            ACTIVE,
            PASSIVE,
            PASSIVE,
            PASSIVE,
            SERVER_CLOSES,
            FAILED_CONNECT,
            LISTENER,
            OPEN_AT_START,
            LOST_EVENTS
        };
        private static final String[] COMMS = {"curl", "nginx", "php-fpm", "swapper/0", "ksoftirqd/1", "java"};
        private static final int[] PIDS = {100, 200, 300, 400};
        private static final int[] PORTS = {80, 443, 5432, 8080, 40001, 40002};

        private final Random random;
        private long now = 1_795_000_000_000_000_000L;

        public Timeline(Random random) {
            this.random = random;
        }

        private final class Socket {
            final long skaddr;
            final String[][] script;
            final int family = random.nextInt(5) == 0 ? 10 : 2;
            final int lport = PORTS[random.nextInt(PORTS.length)];
            final int rport = PORTS[random.nextInt(PORTS.length)];
            final Long netns = random.nextInt(10) == 0 ? null : 4026531840L + random.nextInt(3);
            final Long cgroup = random.nextInt(10) == 0 ? null : (long) random.nextInt(5);
            int step;
            long last = Long.MIN_VALUE;
            long acked;
            long received;

            Socket(long skaddr, String[][] script) {
                this.skaddr = skaddr;
                this.script = script;
            }

            EventRow next(long t) {
                String[] change = script[step++];
                acked += random.nextInt(3) == 0 ? 0 : random.nextInt(100_000);
                received += random.nextInt(3) == 0 ? 0 : random.nextInt(100_000);
                last = t;
                boolean softirq = random.nextInt(3) == 0;
                int tgid = softirq ? 0 : PIDS[random.nextInt(PIDS.length)];
                String comm = softirq ? "swapper/" + random.nextInt(2) : COMMS[random.nextInt(COMMS.length)];
                return change(
                        t, skaddr, family, lport, rport, change[0], change[1], tgid, comm, acked, received, netns,
                        cgroup);
            }
        }

        public List<EventRow> rows(int count) {
            List<EventRow> rows = new ArrayList<>();
            List<Socket> open = new ArrayList<>();
            List<Long> free = new ArrayList<>();
            for (long a = 0; a < 40; a++) {
                free.add(0xffff888100000000L + a * 0x800);
            }
            while (rows.size() < count) {
                if (random.nextInt(4) != 0) {
                    now += 1 + random.nextInt(2000);
                }
                if (!free.isEmpty() && (open.isEmpty() || random.nextInt(3) == 0)) {
                    long address = free.remove(random.nextInt(free.size()));
                    open.add(new Socket(address, SCRIPTS[random.nextInt(SCRIPTS.length)]));
                    continue;
                }
                Socket s = open.get(random.nextInt(open.size()));
                if (s.last == now) {
                    continue; // one socket's changes are apart in time
                }
                rows.add(s.next(now));
                if (s.step == s.script.length) {
                    open.remove(s);
                    free.add(s.skaddr);
                }
            }
            // what is still open when the recording stops stays open
            return rows;
        }
    }
}
