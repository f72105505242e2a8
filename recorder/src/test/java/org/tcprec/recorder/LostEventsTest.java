package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * Lost events are never silent: a recorder that cannot keep up (here: stopped with SIGSTOP while
 * traffic runs, with a small ring) loses events, and BPF counts every one, per CPU and per type,
 * into the trace and the summary.
 */
@ExtendWith(NetnsExtension.class)
class LostEventsTest {
    @TempDir
    Path dir;

    @Test
    void eventsLostWhileTheRecorderStalledAreCountedAndReported(TestNetns ns) throws Exception {
        Path trace = dir.resolve("lossy.parquet");
        Path log = dir.resolve("record.log");
        Process p = RecorderProcess.start(
                log,
                Map.of(),
                "record",
                "-o",
                trace.toString(),
                "--netns",
                String.valueOf(ns.inode),
                "--ring-size",
                "64K",
                "--every-probe");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(TraceFooter.journalFor(trace)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            TestNetns.run("kill", "-STOP", String.valueOf(p.pid()));
            try {
                // a few MB in small writes: thousands of tcp_probe events for a 64 KiB ring
                EchoTraffic.run(ns, "127.0.0.1", new long[] {4_000_000});
            } finally {
                TestNetns.run("kill", "-CONT", String.valueOf(p.pid()));
            }
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
        TraceFooter footer = TraceFooter.read(trace);
        TraceMetadata.LostEvents lost = footer.metadata().lostEvents();
        long total = lost.total();
        assertTrue(total > 0, "the stalled recorder must have lost events");
        long byCpu = lost.byCpu().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, byCpu);
        long byType = lost.byType().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, byType);
        assertTrue(lost.byType().get("tcp_probe") > 0);
        // what BPF did submit all reached the file: the only losses are the counted ones
        long submitted = footer.metadata().bpfCounters().emitted().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertEquals(submitted, footer.rows());
        String summary = Files.readString(log);
        assertTrue(summary.contains("lost " + String.format(Locale.ROOT, "%,d", total)), summary);
        assertTrue(
                summary.contains("warning: " + String.format(Locale.ROOT, "%,d", total) + " events were lost"),
                summary);
    }
}
