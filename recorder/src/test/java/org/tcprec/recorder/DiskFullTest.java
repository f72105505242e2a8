package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceFormatException;

/** A recording onto a file system that fills up stops with a clear message and a readable trace. */
@ExtendWith(NetnsExtension.class)
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void aDiskTooFullForTheJournalLeavesNothingToRecover(TestNetns ns) throws Exception {
        Path mount = dir.resolve("tiny");
        Files.createDirectory(mount);
        TestNetns.run("mount", "-t", "tmpfs", "-o", "size=1m", "tcprec-test", mount.toString());
        try {
            // one page left: the journal's header fits, its first chunk (the recording's metadata) does not
            TestNetns.run(
                    "fallocate",
                    "-l",
                    String.valueOf((1 << 20) - 4096),
                    mount.resolve("filler").toString());
            Path trace = mount.resolve("never.parquet");
            List<String> errors = RecorderProcess.run(
                    1, "record", "-d", "1s", "--netns", String.valueOf(ns.inode), "-o", trace.toString());
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(
                    errors.get(0).startsWith("tcprec: cannot create the journal ")
                            && errors.get(0).contains("No space left on device"),
                    errors.toString());
            assertFalse(Files.exists(TraceFooter.journalFor(trace)), "no journal left for info to send to recover");
            assertFalse(Files.exists(trace));
            TraceFormatException info = assertThrows(TraceFormatException.class, () -> TraceFooter.read(trace));
            assertEquals(trace + ": no such file", info.getMessage());
        } finally {
            TestNetns.run("umount", mount.toString());
        }
    }

    @Test
    void aFullDiskStopsTheRecordingAndKeepsWhatWasRecorded(TestNetns ns) throws Exception {
        Path mount = dir.resolve("small");
        Files.createDirectory(mount);
        TestNetns.run("mount", "-t", "tmpfs", "-o", "size=4m", "tcprec-test", mount.toString());
        try {
            Path trace = mount.resolve("full.parquet");
            // Every tcp_probe kept: a bulk transfer then makes events fast enough to fill 4 MiB.
            RecordingConfig config = BackgroundRecording.config(ns, trace, 0);
            BackgroundRecording recording = BackgroundRecording.start(config);
            Future<Recorder.Summary> running = recording.future();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!running.isDone() && System.nanoTime() < deadline) {
                EchoTraffic.run(ns, "127.0.0.1", new long[] {2_000_000});
            }
            try {
                running.get(60, TimeUnit.SECONDS);
                fail("the recording should have stopped on the full disk");
            } catch (ExecutionException e) {
                assertTrue(e.getCause() instanceof RecordingException, String.valueOf(e.getCause()));
                assertTrue(
                        e.getCause().getMessage().contains("the disk is full"),
                        e.getCause().getMessage());
            } finally {
                recording.close();
            }
            TraceFooter footer = TraceFooter.read(trace);
            assertTrue(footer.rows() > 1000, "rows kept: " + footer.rows());
            assertEquals(footer.rows(), TraceRows.count(trace, "true"));
            assertEquals(footer.rows(), TraceRows.count(trace, "netns = ?", ns.inode));
            assertFalse(Files.exists(TraceFooter.journalFor(trace)), "journal removed once the trace is written");
        } finally {
            TestNetns.run("umount", mount.toString());
        }
    }
}
