package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;

/**
 * Records real kernel events while this test makes traffic whose every connection and byte it
 * knows, in a network namespace of its own, then checks the trace against what the test did and
 * against the namespace's own TCP counters. Needs root (CI runs it as root): it fails, never
 * skips, without.
 */
@ExtendWith(NetnsExtension.class)
class RecordLoopbackTrafficTest {
    @TempDir
    static Path dir;

    static TestNetns ns;
    static Path trace;
    static List<EchoTraffic.Connection> ipv4;
    static List<EchoTraffic.Connection> ipv6;
    static List<EchoTraffic.Connection> lossy;
    static int refusedPort;
    static Map<String, Long> before;
    static Map<String, Long> after;
    static Map<String, Long> extBefore;
    static Map<String, Long> extAfter;
    static Recorder.Summary summary;

    @BeforeAll
    static void recordKnownTraffic(TestNetns namespace) throws Exception {
        ns = namespace;
        trace = Path.of(System.getProperty("tcprec.test.keep", dir.toString())).resolve("loopback.parquet");
        java.nio.file.Files.deleteIfExists(trace);
        try (BackgroundRecording recording = BackgroundRecording.of(ns, trace)) {
            before = ns.tcpCounters();
            extBefore = ns.tcpExtCounters();
            ipv4 = EchoTraffic.run(
                    ns, "127.0.0.1", new long[] {1, 1000, 4096, 10_000, 65_536, 100_000, 250_000, 3, 77, 1_000_000});
            ipv6 = EchoTraffic.run(ns, "::1", new long[] {500, 20_000, 123_457, 1, 600_000});
            refusedPort = EchoTraffic.refusedConnects(ns, "127.0.0.1", 3);
            // Random loss in both directions on the namespace's loopback provokes retransmissions.
            // Every other SYN is dropped, so each connection retransmits at least its SYN; random
            // loss on top hits data, ACKs and FINs.
            ns.nft("table inet tcprec_loss {\n chain out {\n  type filter hook output priority 0; policy accept;\n"
                    + "  tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 drop\n"
                    + "  meta l4proto tcp numgen random mod 100 < 10 drop\n }\n}\n");
            lossy = EchoTraffic.run(ns, "127.0.0.1", new long[] {200_000, 200_000, 200_000});
            ns.nft("delete table inet tcprec_loss\n");
            // A FIN can still be retransmitted after the last close returned: wait for the
            // namespace to go quiet, so that the counters and the trace cover the same events.
            ns.quiesce();
            after = ns.tcpCounters();
            extAfter = ns.tcpExtCounters();
            // Let the last transitions (e.g. the final close after LAST_ACK) reach the ring.
            Thread.sleep(300);
            summary = recording.stop();
        }
    }

    private static long delta(String counter) {
        return after.get(counter) - before.get(counter);
    }

    private static long extDelta(String counter) {
        return extAfter.get(counter) - extBefore.get(counter);
    }

    private static List<String> transitions(Object skaddr, long fromTs) throws Exception {
        // One socket's lifetime: from the transition at fromTs up to its first move to CLOSE.
        List<String> out = new ArrayList<>();
        for (Map<String, Object> row : TraceRows.query(
                trace,
                "SELECT oldstate, newstate FROM {t} WHERE event = 'inet_sock_set_state' AND skaddr = ? "
                        + "AND time_ns >= ? ORDER BY time_ns",
                skaddr,
                fromTs)) {
            out.add(row.get("oldstate") + ">" + row.get("newstate"));
            if ("CLOSE".equals(row.get("newstate"))) {
                break;
            }
        }
        return out;
    }

    private static Map<String, Object> single(String sql, Object... params) throws Exception {
        List<Map<String, Object>> rows = TraceRows.query(trace, sql, params);
        assertEquals(1, rows.size(), "expected exactly one row for " + sql);
        return rows.get(0);
    }

    private static long asLong(Object o) {
        return o instanceof java.math.BigInteger b ? b.longValue() : ((Number) o).longValue();
    }

    private void checkEchoConnection(EchoTraffic.Connection c) throws Exception {
        // Client: its CLOSE->SYN_SENT happens before the port is bound (lport 0), so the socket is
        // found by its SYN_SENT->ESTABLISHED transition and followed by address from just before.
        Map<String, Object> established = single(
                "SELECT skaddr, time_ns AS ts FROM {t} WHERE event = 'inet_sock_set_state' "
                        + "AND oldstate = 'SYN_SENT' AND newstate = 'ESTABLISHED' AND lport = ? AND rport = ? AND raddr = ?",
                c.clientPort(),
                c.serverPort(),
                c.address());
        Object client = established.get("skaddr"); // UBIGINT: passed back as it came
        Map<String, Object> connect = single(
                "SELECT max(time_ns) AS ts FROM {t} WHERE event = 'inet_sock_set_state' "
                        + "AND skaddr = ? AND oldstate = 'CLOSE' AND newstate = 'SYN_SENT' AND time_ns <= ?",
                client,
                established.get("ts"));
        assertEquals(
                List.of(
                        "CLOSE>SYN_SENT",
                        "SYN_SENT>ESTABLISHED",
                        "ESTABLISHED>FIN_WAIT1",
                        "FIN_WAIT1>FIN_WAIT2",
                        "FIN_WAIT2>CLOSE"),
                transitions(client, asLong(connect.get("ts"))),
                "client states of " + c);
        // Server: the accepted socket is born in SYN_RECV, cloned from the listener (LISTEN).
        Map<String, Object> born = single(
                "SELECT skaddr, time_ns AS ts FROM {t} WHERE event = 'inet_sock_set_state' "
                        + "AND oldstate = 'LISTEN' AND newstate = 'SYN_RECV' AND lport = ? AND rport = ?",
                c.serverPort(),
                c.clientPort());
        Object server = born.get("skaddr");
        assertEquals(
                List.of(
                        "LISTEN>SYN_RECV",
                        "SYN_RECV>ESTABLISHED",
                        "ESTABLISHED>CLOSE_WAIT",
                        "CLOSE_WAIT>LAST_ACK",
                        "LAST_ACK>CLOSE"),
                transitions(server, asLong(born.get("ts"))),
                "server states of " + c);

        // bytes_acked and bytes_received count sequence space: the active opener's SYN is acked
        // through tcp_ack (+1), each side's FIN is acked and received (+1). The passive side's
        // handshake completes without tcp_ack updating bytes_acked, so its SYN does not count.
        Map<String, Object> clientClose = single(
                "SELECT bytes_acked, bytes_received FROM {t} WHERE "
                        + "event = 'inet_sock_set_state' AND skaddr = ? AND newstate = 'CLOSE' AND oldstate = 'FIN_WAIT2' "
                        + "AND lport = ?",
                client,
                c.clientPort());
        assertEquals(c.clientSent() + 2, asLong(clientClose.get("bytes_acked")), "client bytes_acked of " + c);
        assertEquals(
                c.clientReceived() + 1, asLong(clientClose.get("bytes_received")), "client bytes_received of " + c);
        Map<String, Object> serverClose = single(
                "SELECT bytes_acked, bytes_received FROM {t} WHERE "
                        + "event = 'inet_sock_set_state' AND skaddr = ? AND newstate = 'CLOSE' AND oldstate = 'LAST_ACK' "
                        + "AND lport = ? AND rport = ?",
                server,
                c.serverPort(),
                c.clientPort());
        assertEquals(c.serverSent() + 1, asLong(serverClose.get("bytes_acked")), "server bytes_acked of " + c);
        assertEquals(
                c.serverReceived() + 1, asLong(serverClose.get("bytes_received")), "server bytes_received of " + c);
    }

    @Test
    void everyIpv4EchoConnectionHasItsStatesAndBytes() throws Exception {
        assertEquals(10, ipv4.size());
        for (EchoTraffic.Connection c : ipv4) {
            checkEchoConnection(c);
        }
    }

    @Test
    void everyIpv6EchoConnectionHasItsStatesAndBytes() throws Exception {
        assertEquals(5, ipv6.size());
        for (EchoTraffic.Connection c : ipv6) {
            checkEchoConnection(c);
        }
        assertEquals(
                0,
                TraceRows.count(trace, "family = 10 AND raddr NOT IN ('::1', '::')"),
                "IPv6 rows carry readable addresses");
    }

    @Test
    void refusedConnectsShowTheResetsBothWays() throws Exception {
        // The closed port answers each SYN with an RST (no socket: skaddr is null), which the
        // connecting socket receives in SYN_SENT before it closes.
        assertEquals(
                3, TraceRows.count(trace, "event = 'tcp_send_reset' AND lport = ? AND skaddr IS NULL", refusedPort));
        assertEquals(3, TraceRows.count(trace, "event = 'tcp_receive_reset' AND rport = ?", refusedPort));
        assertEquals(
                3,
                TraceRows.count(
                        trace,
                        "event = 'inet_sock_set_state' AND rport = ? AND oldstate = 'SYN_SENT' AND newstate = 'CLOSE'",
                        refusedPort));
        assertTrue(delta("AttemptFails") >= 3);
    }

    @Test
    void eventCountsAgreeWithTheNamespaceCounters() throws Exception {
        assertEquals(
                delta("ActiveOpens"),
                TraceRows.count(
                        trace, "event = 'inet_sock_set_state' AND oldstate = 'CLOSE' AND newstate = 'SYN_SENT'"));
        assertEquals(
                delta("PassiveOpens"),
                TraceRows.count(
                        trace, "event = 'inet_sock_set_state' AND oldstate = 'LISTEN' AND newstate = 'SYN_RECV'"));
        assertEquals(delta("OutRsts"), TraceRows.count(trace, "event = 'tcp_send_reset'"));
        // Every retransmitted segment is one traced skb here: writes of 1000 bytes on a loopback
        // whose MSS is ~64 KB never make multi-segment skbs. The kernel counts an attempt in
        // RetransSegs before it knows whether it went out: attempts the nftables rule dropped are
        // traced with err = -EPERM and counted in TcpExt TCPRetransFail as well. A tail loss probe
        // that resends the last segment counts in RetransSegs but has no tracepoint (it calls
        // __tcp_retransmit_skb directly); TCPLossProbes bounds those.
        long traced = TraceRows.count(trace, "event IN ('tcp_retransmit_skb', 'tcp_retransmit_synack')");
        long failed = TraceRows.count(trace, "event = 'tcp_retransmit_skb' AND err <> 0");
        long syn = TraceRows.count(
                trace, "(event = 'tcp_retransmit_skb' AND state = 'SYN_SENT') " + "OR event = 'tcp_retransmit_synack'");
        long lossProbes = extDelta("TCPLossProbes");
        assertTrue(syn > 0, "every other SYN was dropped: SYN retransmissions must have been traced");
        assertEquals(extDelta("TCPSynRetrans"), syn);
        assertEquals(extDelta("TCPRetransFail"), failed);
        assertTrue(
                delta("RetransSegs") >= traced && delta("RetransSegs") <= traced + lossProbes,
                "RetransSegs " + delta("RetransSegs") + " = traced " + traced + " + some of " + lossProbes
                        + " loss probes");
    }

    @Test
    void lossyConnectionsStillCarryTheirBytes() throws Exception {
        for (EchoTraffic.Connection c : lossy) {
            Map<String, Object> close = single(
                    "SELECT bytes_acked FROM {t} WHERE event = 'inet_sock_set_state' "
                            + "AND newstate = 'CLOSE' AND oldstate = 'FIN_WAIT2' AND lport = ? AND rport = ?",
                    c.clientPort(),
                    c.serverPort());
            assertEquals(c.clientSent() + 2, asLong(close.get("bytes_acked")));
        }
    }

    @Test
    void nothingWasLostAndTheFooterCountsMatchTheRows() throws Exception {
        assertEquals(0, summary.lost());
        TraceFooter footer = TraceFooter.read(trace);
        assertEquals(0L, footer.metadata().lostEvents().total());
        Map<String, Long> events = footer.metadata().events();
        for (Map.Entry<String, Long> e : events.entrySet()) {
            assertEquals(e.getValue(), TraceRows.count(trace, "event = ?", e.getKey()), "rows of " + e.getKey());
        }
        assertEquals(footer.rows(), TraceRows.count(trace, "true"));
        // what BPF counted as submitted, on every CPU (read through the counters' mapping), is in the file
        Map<String, Long> emitted = footer.metadata().bpfCounters().emitted();
        assertEquals(events.keySet(), emitted.keySet());
        for (Map.Entry<String, Long> e : events.entrySet()) {
            assertEquals(e.getValue(), emitted.get(e.getKey()), "emitted " + e.getKey());
        }
        // Everything recorded belongs to the test's namespace: the filter worked in BPF.
        assertEquals(footer.rows(), TraceRows.count(trace, "netns = ?", ns.inode));
    }

    @Test
    void rowsAreInTimeOrderAndTimesAreWallClock() throws Exception {
        assertEquals(0, TraceRows.count(trace, "time_ns < epoch_ns(TIMESTAMP '2020-01-01')"));
        List<Map<String, Object>> disorder = TraceRows.query(
                trace, "SELECT count(*) AS n FROM (SELECT time_ns - lag(time_ns) OVER () AS d FROM {t}) WHERE d < 0");
        assertEquals(0L, ((Number) disorder.get(0).get("n")).longValue());
    }
}
