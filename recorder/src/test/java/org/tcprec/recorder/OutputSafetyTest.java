package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;

/** Where a recording's trace goes: never over a device, never over a file someone else put there, to the owner named. */
@ExtendWith(NetnsExtension.class)
class OutputSafetyTest {
    @TempDir
    Path dir;

    TestNetns ns;

    @BeforeEach
    void namespace(TestNetns ns) {
        this.ns = ns;
    }

    @Test
    void aDeviceOrFifoIsNotReplacedEvenWithForce() throws Exception {
        Path device = dir.resolve("null");
        TestNetns.run("mknod", "-m", "666", device.toString(), "c", "1", "3");
        Path fifo = dir.resolve("fifo");
        TestNetns.run("mkfifo", fifo.toString());
        for (Path target : List.of(device, fifo)) {
            assertEquals(
                    List.of("tcprec: " + target + " is not a regular file (a device, FIFO or socket); refusing to "
                            + "replace it"),
                    RecorderProcess.run(
                            1,
                            "record",
                            "-d",
                            "1s",
                            "--force",
                            "--netns",
                            String.valueOf(ns.inode),
                            "-o",
                            target.toString()));
            assertFalse(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void aFileCreatedDuringTheRecordingIsKeptAndTheTraceWrittenBesideIt() throws Exception {
        Path trace = dir.resolve("shared.parquet");
        Path log = dir.resolve("record.log");
        Process p = RecorderProcess.start(
                log, Map.of(), "record", "-o", trace.toString(), "--netns", String.valueOf(ns.inode));
        try {
            CrashSafetyTest.waitForJournal(TraceFooter.journalFor(trace));
            Thread.sleep(500);
            List<EchoTraffic.Connection> connections = EchoTraffic.run(ns, "127.0.0.1", new long[] {3000});
            Files.writeString(trace, "someone else's file");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String output = Files.readString(log);
            assertEquals(1, p.exitValue(), output);
            Path kept = dir.resolve("shared.1.parquet");
            assertEquals(
                    "tcprec: " + trace + " appeared while tcprec was writing it and was left alone; the new file is "
                            + kept + " (use --force to replace)",
                    output.lines().reduce((a, b) -> b).orElseThrow(),
                    output);
            assertEquals("someone else's file", Files.readString(trace));
            assertEquals(1, TraceRows.closesOf(kept, connections.get(0).clientPort()));
            assertFalse(Files.exists(TraceFooter.journalFor(trace)), "the trace is complete beside; no journal left");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theOwnerOptionGivesTheTraceToThatUserAndRootAloneIsSaid() throws Exception {
        Path given = dir.resolve("given.parquet");
        Path log = dir.resolve("given.log");
        Process p = RecorderProcess.start(
                log,
                Map.of(),
                "record",
                "-d",
                "1s",
                "--owner",
                "nobody:nogroup",
                "--netns",
                String.valueOf(ns.inode),
                "-o",
                given.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertEquals(65534, Files.getAttribute(given, "unix:uid"));
        assertEquals(65534, Files.getAttribute(given, "unix:gid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(given)));
        assertTrue(
                Files.readString(log).contains("tcprec: " + given + " belongs to nobody:nogroup (mode 0600)"),
                Files.readString(log));

        Path rootOnly = dir.resolve("root.parquet");
        Path rootLog = dir.resolve("root.log");
        Process q = RecorderProcess.start(
                rootLog,
                Map.of(),
                "record",
                "-d",
                "1s",
                "--netns",
                String.valueOf(ns.inode),
                "-o",
                rootOnly.toString());
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, q.exitValue(), Files.readString(rootLog));
        assertEquals(0, Files.getAttribute(rootOnly, "unix:uid"));
        assertTrue(
                Files.readString(rootLog)
                        .contains("tcprec: " + rootOnly + " belongs to root with mode 0600: only root "
                                + "can read it; give it to a user with --owner USER, or run tcprec through sudo"),
                Files.readString(rootLog));
    }
}
