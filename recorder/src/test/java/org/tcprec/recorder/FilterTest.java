package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;

/** The bcc-style filters are applied in BPF: what they exclude is counted, never recorded. */
@ExtendWith(NetnsExtension.class)
class FilterTest {
    @TempDir
    Path dir;

    private Path record(
            TestNetns ns,
            String name,
            int family,
            List<Integer> localPorts,
            List<Integer> remotePorts,
            TrafficPlan plan)
            throws Exception {
        Path trace = dir.resolve(name);
        RecordingConfig config = new RecordingConfig(
                trace,
                false,
                0,
                0,
                family,
                localPorts,
                remotePorts,
                ns.inode,
                0,
                RecordingConfig.DEFAULT_PROBE_INTERVAL_NS,
                RecordingConfig.DEFAULT_RING_BYTES,
                List.of("test"));
        try (BackgroundRecording recording = BackgroundRecording.start(config)) {
            plan.run();
            ns.quiesce();
            recording.stop();
        }
        return trace;
    }

    interface TrafficPlan {
        void run() throws Exception;
    }

    @Test
    @SuppressWarnings("unchecked")
    void familyAndPortFiltersKeepOnlyWhatTheyName(TestNetns ns) throws Exception {
        List<EchoTraffic.Connection>[] v4 = new List[1];
        List<EchoTraffic.Connection>[] v6 = new List[1];
        Path only6 = record(ns, "only6.parquet", 10, List.of(), List.of(), () -> {
            v4[0] = EchoTraffic.run(ns, "127.0.0.1", new long[] {1000, 2000});
            v6[0] = EchoTraffic.run(ns, "::1", new long[] {3000});
        });
        assertTrue(TraceRows.count(only6, "true") > 0);
        assertEquals(0, TraceRows.count(only6, "family <> 10"));
        assertEquals(
                1,
                TraceRows.count(
                        only6,
                        "event = 'inet_sock_set_state' AND newstate = 'CLOSE' AND lport = ?",
                        v6[0].get(0).clientPort()));
        TraceFooter footer = TraceFooter.read(only6);
        Map<String, Long> filtered = footer.metadata().bpfCounters().filtered();
        assertTrue(filtered.get("inet_sock_set_state") > 0, "IPv4 state changes were counted as filtered");

        // Filtered to the server's local port: the server side only.
        Path serverSide = record(ns, "server.parquet", 0, List.of(EchoTraffic.FIXED_PORT), List.of(), () -> {
            EchoTraffic.run(ns, "127.0.0.1", EchoTraffic.FIXED_PORT, new long[] {1000, 5000});
        });
        assertTrue(TraceRows.count(serverSide, "true") > 0);
        assertEquals(0, TraceRows.count(serverSide, "lport <> ?", EchoTraffic.FIXED_PORT));
        Path clientSide = record(ns, "client.parquet", 0, List.of(), List.of(EchoTraffic.FIXED_PORT), () -> {
            EchoTraffic.run(ns, "127.0.0.1", EchoTraffic.FIXED_PORT, new long[] {1000});
        });
        assertEquals(1, TraceRows.count(clientSide, "event = 'inet_sock_set_state' AND oldstate = 'FIN_WAIT2'"));
        assertEquals(0, TraceRows.count(clientSide, "rport <> ?", EchoTraffic.FIXED_PORT));
    }
}
