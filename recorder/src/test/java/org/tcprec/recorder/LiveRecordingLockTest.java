package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.tcprec.format.TraceFormatException;

/** A live recording's journal is locked: info, recover and a second record name the recorder and leave it alone. */
@ExtendWith(NetnsExtension.class)
class LiveRecordingLockTest {
    @TempDir
    Path dir;

    @Test
    void aLiveRecordingIsNotTakenForAnInterruptedOne(TestNetns ns) throws Exception {
        Path trace = dir.resolve("live.parquet");
        Path journal = TraceFooter.journalFor(trace);
        Process p = RecorderProcess.start(
                dir.resolve("record.log"),
                Map.of(),
                "record",
                "-o",
                trace.toString(),
                "--netns",
                String.valueOf(ns.inode));
        try {
            CrashSafetyTest.waitForJournal(journal);
            Thread.sleep(500);
            String live = trace + " is being recorded by pid " + p.pid() + "; it appears when that recording stops";

            TraceFormatException info = assertThrows(TraceFormatException.class, () -> TraceFooter.read(trace));
            assertEquals(live, info.getMessage());
            assertEquals(
                    List.of("tcprec: " + live + "; nothing to recover"),
                    RecorderProcess.run(1, "recover", trace.toString()));
            assertTrue(Files.exists(journal), "recover left the live journal alone");
            assertEquals(
                    List.of("tcprec: " + live),
                    RecorderProcess.run(
                            1,
                            "record",
                            "-d",
                            "1s",
                            "--force",
                            "--netns",
                            String.valueOf(ns.inode),
                            "-o",
                            trace.toString()));

            // the recording goes on: what happens now is in its trace
            List<EchoTraffic.Connection> after = EchoTraffic.run(ns, "127.0.0.1", new long[] {4000});
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("record.log")));
            assertFalse(Files.exists(journal));
            assertEquals(1, TraceRows.closesOf(trace, after.get(0).clientPort()));
        } finally {
            p.destroyForcibly();
        }
    }
}
