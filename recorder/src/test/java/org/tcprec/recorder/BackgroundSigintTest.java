package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;

/** `tcprec record &` in a script starts with SIGINT ignored; kill -INT still ends it with a complete trace. */
@ExtendWith(NetnsExtension.class)
class BackgroundSigintTest {
    @TempDir
    Path dir;

    @Test
    void sigintStopsARecordingStartedWithSigintIgnored(TestNetns ns) throws Exception {
        Path trace = dir.resolve("background.parquet");
        Path log = dir.resolve("record.log");
        // what sh does for `cmd &` without job control: SIGINT ignored, inherited through exec
        List<String> ignoringSigint = List.of("sh", "-c", "trap '' INT; exec \"$0\" \"$@\"");
        assertTrue(ignoresSigint(ignoringSigint), "the set-up does not ignore SIGINT");
        Process p = RecorderProcess.start(
                log, Map.of(), ignoringSigint, "record", "-o", trace.toString(), "--netns", String.valueOf(ns.inode));
        try {
            CrashSafetyTest.waitForJournal(TraceFooter.journalFor(trace));
            Thread.sleep(500);
            List<EchoTraffic.Connection> connections = EchoTraffic.run(ns, "127.0.0.1", new long[] {2000});
            TestNetns.run("kill", "-INT", String.valueOf(p.pid()));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "SIGINT did not stop the recording");
            assertEquals(0, p.exitValue(), Files.readString(log));
            assertFalse(Files.exists(TraceFooter.journalFor(trace)));
            assertEquals("SIGINT", TraceRows.stopReason(trace));
            assertEquals(1, TraceRows.closesOf(trace, connections.get(0).clientPort()));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Whether a program started through {@code prefix} ignores SIGINT (bit 2 of SigIgn in its status). */
    private static boolean ignoresSigint(List<String> prefix) throws Exception {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of("cat", "/proc/self/status"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        for (String line : status.lines().toList()) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & 2) != 0;
            }
        }
        return false;
    }
}
