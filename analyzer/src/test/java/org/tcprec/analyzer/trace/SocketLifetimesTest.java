package org.tcprec.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.EventRow;
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * The columns life and ns_in_oldstate as the writer stores them (format 2.0) and as the
 * analyzer derives them for a 1.0 file are the same, and are what the rules say for a timeline
 * worked out by hand: a socket address used twice, a destroy after CLOSE, a probe before the
 * first state change seen, a reset without a socket, and two events at the same time.
 */
class SocketLifetimesTest {
    @TempDir
    Path dir;

    private static final long A = 0xffff8880_0000_1000L;
    private static final long B = 0xffff8880_0000_2000L;

    private static EventRow change(long t, long sk, String oldstate, String newstate) {
        return row(t, "inet_sock_set_state", sk, oldstate, newstate);
    }

    private static EventRow row(long t, String event, Long sk, String oldstate, String newstate) {
        return EventRowBuilder.row(t, event)
                .task(1, 1, "app")
                .netns(4026531840L)
                .skaddr(sk)
                .family(2)
                .local("127.0.0.1", 1000)
                .remote("127.0.0.1", 80)
                .transition(oldstate, newstate)
                .build();
    }

    /** row, expected life (lifetimes numbered by their first rows), expected ns_in_oldstate, for each row in order. */
    private static final Object[][] TIMELINE = {
        // B: already open when recording began, first seen in a probe, then closes
        {row(100, "tcp_probe", B, null, null), 1, null},
        // A: first lifetime, an active open and close
        {change(1_000, A, "CLOSE", "SYN_SENT"), 2, null},
        {change(1_500, A, "SYN_SENT", "ESTABLISHED"), 2, 500L},
        {change(2_000, B, "ESTABLISHED", "FIN_WAIT1"), 1, null},
        {change(2_000, B, "FIN_WAIT1", "FIN_WAIT2"), 1, 0L},
        {change(9_000, A, "ESTABLISHED", "CLOSE"), 2, 7_500L},
        {row(9_100, "tcp_destroy_sock", A, null, null), 2, null},
        // no socket: no lifetime
        {row(9_200, "tcp_send_reset", null, null, null), null, null},
        // A reused: a new lifetime (numbered in the file's order of first rows), timed from 0
        {change(10_000, A, "CLOSE", "LISTEN"), 3, null},
        {row(10_500, "tcp_retransmit_skb", A, null, null), 3, null},
        {change(12_000, A, "LISTEN", "CLOSE"), 3, 2_000L},
        {change(13_000, B, "FIN_WAIT2", "CLOSE"), 1, 11_000L},
        // a duplicate child socket at B, dropped in a handshake race: freed in SYN_RECV, no CLOSE
        {change(14_000, B, "LISTEN", "SYN_RECV"), 4, null},
        // B's address reused by a client: not a continuation of SYN_RECV, so a lifetime of its own
        {change(15_000, B, "CLOSE", "SYN_SENT"), 5, null},
        {change(15_400, B, "SYN_SENT", "ESTABLISHED"), 5, 400L},
        // and again by a child while the client's events were lost: the state does not continue
        {change(16_000, B, "LISTEN", "SYN_RECV"), 6, null},
        // A after its CLOSE, seen first mid-connection: its handshake's changes were lost
        {change(17_000, A, "ESTABLISHED", "FIN_WAIT1"), 7, null},
    };

    /**
     * The lifetimes above that skip a state: B's client after the dropped child, B's second child
     * after the client, and A's third lifetime. The closes, the reuses from CLOSE or LISTEN and B's
     * first lifetime (open before the recording) are not.
     */
    private static final long BROKEN = 3;

    @Test
    void storedAndDerivedLifetimesAgreeWithTheRules() throws Exception {
        Path trace = dir.resolve("lifetimes.parquet");
        try (TraceWriter w = new TraceWriter(trace)) {
            for (Object[] step : TIMELINE) {
                w.write((EventRow) step[0]);
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("host", Map.of("hostname", "test")))));
        }
        List<Object[]> expected = new ArrayList<>();
        for (int i = 0; i < TIMELINE.length; i++) {
            expected.add(new Object[] {(long) i, TIMELINE[i][1], TIMELINE[i][2]});
        }
        assertRows(expected, columns(TraceDatabase.open(List.of(trace), false)), "as stored");
        assertEquals(BROKEN, TraceFooter.read(trace).metadata().lifetimes().broken());
        assertRows(expected, columns(TraceDatabase.open(List.of(trace), true)), "as derived for a 1.0 file");
    }

    private static List<Object[]> columns(TraceDatabase db) throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (db;
                Statement s = db.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT seq, life, ns_in_oldstate FROM raw_events ORDER BY seq")) {
            while (rs.next()) {
                Object life = rs.getObject(2);
                Object ns = rs.getObject(3);
                out.add(new Object[] {
                    rs.getLong(1),
                    life == null ? null : ((Number) life).intValue(),
                    ns == null ? null : ((Number) ns).longValue()
                });
            }
        }
        return out;
    }

    private static void assertRows(List<Object[]> expected, List<Object[]> actual, String how) {
        assertEquals(expected.size(), actual.size(), how);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(
                    java.util.Arrays.toString(expected.get(i)),
                    java.util.Arrays.toString(actual.get(i)),
                    how + ", row " + i);
        }
    }
}
