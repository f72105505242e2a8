package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.cli.support.Errors;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceFormatException;
import picocli.CommandLine;

/** A recording ended by SIGKILL or SIGTERM still leaves a trace that reads. */
@ExtendWith(NetnsExtension.class)
class CrashSafetyTest {
    @TempDir
    Path dir;

    TestNetns ns;

    @BeforeEach
    void namespace(TestNetns ns) {
        this.ns = ns;
    }

    static void waitForJournal(Path journal) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(journal) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(journal), "the recorder never created its journal");
    }

    @Test
    void sigkillLeavesAJournalThatRecoverTurnsIntoTheTrace() throws Exception {
        Path trace = dir.resolve("killed.parquet");
        Path log = dir.resolve("record.log");
        Process p = RecorderProcess.start(
                log, Map.of(), "record", "-o", trace.toString(), "--netns", String.valueOf(ns.inode));
        try {
            waitForJournal(TraceFooter.journalFor(trace));
            Thread.sleep(500); // the journal exists right after attach; give the consumer a moment
            List<EchoTraffic.Connection> connections =
                    EchoTraffic.run(ns, "127.0.0.1", new long[] {1000, 2000, 3000, 4000});
            // The journal is written at least every 200 ms and synced every second: wait past that.
            Thread.sleep(1500);
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");

            assertFalse(Files.exists(trace), "the trace appears only when complete");
            TraceFormatException opening = assertThrows(TraceFormatException.class, () -> TraceFooter.read(trace));
            assertTrue(opening.getMessage().contains("tcprec recover"), opening.getMessage());

            CommandLine recover = Errors.install(new CommandLine(new TcprecTestMain()));
            assertEquals(0, recover.execute("recover", "--owner", "nobody", trace.toString()));
            assertFalse(Files.exists(TraceFooter.journalFor(trace)), "recover removes the journal");

            assertEquals(65534, Files.getAttribute(trace, "unix:uid"), "recover --owner names the owner");
            TraceFooter footer = TraceFooter.read(trace);
            assertTrue(footer.metadata().recovered());
            for (EchoTraffic.Connection c : connections) {
                assertEquals(
                        1,
                        TraceRows.count(
                                trace,
                                "event = 'inet_sock_set_state' AND lport = ? AND rport = ? "
                                        + "AND oldstate = 'FIN_WAIT2' AND newstate = 'CLOSE' AND bytes_acked = ?",
                                c.clientPort(),
                                c.serverPort(),
                                c.clientSent() + 2),
                        "connection " + c + " survived the kill");
            }
            assertEquals(footer.rows(), TraceRows.count(trace, "true"));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigtermFinishesTheTraceAndHandsItToTheSudoUser() throws Exception {
        Path trace = dir.resolve("terminated.parquet");
        Path log = dir.resolve("record.log");
        Process p = RecorderProcess.start(
                log,
                Map.of("SUDO_UID", "65534", "SUDO_GID", "65534"),
                "record",
                "-o",
                trace.toString(),
                "--netns",
                String.valueOf(ns.inode));
        try {
            waitForJournal(TraceFooter.journalFor(trace));
            Thread.sleep(500);
            List<EchoTraffic.Connection> connections = EchoTraffic.run(ns, "127.0.0.1", new long[] {5000});
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(log));
            assertFalse(Files.exists(TraceFooter.journalFor(trace)));
            assertEquals("SIGTERM", TraceRows.stopReason(trace));
            assertEquals(1, TraceRows.closesOf(trace, connections.get(0).clientPort()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(trace)));
            assertEquals(65534, Files.getAttribute(trace, "unix:uid"));
            assertTrue(Files.readString(log).contains("recorded "), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }
}
