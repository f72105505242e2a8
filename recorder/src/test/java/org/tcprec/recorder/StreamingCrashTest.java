package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcprec.cli.support.Errors;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceFooter;
import picocli.CommandLine;

/**
 * SIGKILL while the recorder streams row groups to the trace's file, at several moments, some with
 * traffic still running: recover gives a trace of the finished format, with its checksums, that
 * holds every connection finished a second before the kill and as many opens as the kernel counted
 * by then.
 */
@ExtendWith(NetnsExtension.class)
class StreamingCrashTest {
    @TempDir
    Path dir;

    TestNetns ns;

    /** One round of traffic: 60 connections, enough events for a row group at the bound the test sets. */
    private static final long[] SIZES =
            java.util.stream.LongStream.range(0, 60).map(i -> 1000 + 500 * i).toArray();

    @BeforeEach
    void namespace(TestNetns ns) {
        this.ns = ns;
    }

    /**
     * Waits until the journal names a row group written to the trace's file: the encoder runs
     * behind the journal, far behind on a busy host.
     */
    private static void waitForRowGroups(Path journal) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (hasRowGroup(journal)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the recorder wrote no row group in two minutes");
    }

    private static boolean hasRowGroup(Path journal) throws Exception {
        return chunks(journal).stream().anyMatch(c -> c.kind() == GROUPS);
    }

    /** Chunk kinds of journal/Journal.java. */
    private static final int DATA_FILE = 6;

    private static final int ROW_GROUP = 7;
    private static final int GROUPS = 9;

    private record Chunk(int kind, byte[] payload) {}

    /** The whole chunks of a journal-format file, as written (a torn last one left out). */
    private static List<Chunk> chunks(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Chunk> chunks = new ArrayList<>();
        for (int at = 16;
                at + 16 <= b.limit() && at + 16 + b.getInt(at + 4) <= b.limit();
                at += 16 + b.getInt(at + 4)) {
            byte[] payload = new byte[b.getInt(at + 4)];
            b.get(at + 16, payload);
            chunks.add(new Chunk(b.getInt(at), payload));
        }
        return chunks;
    }

    /**
     * The journal a kill left counts the row groups written and repeats none of their checkpoints,
     * which sit once each in the groups file beside the trace's file. Returns that file.
     */
    private static Path checkGroupsFile(Path journal) throws Exception {
        List<Chunk> inJournal = chunks(journal);
        assertEquals(0, inJournal.stream().filter(c -> c.kind() == ROW_GROUP).count(), "no checkpoint in the journal");
        List<Chunk> counts = inJournal.stream().filter(c -> c.kind() == GROUPS).toList();
        assertEquals(1, counts.size(), "one count of the groups written");
        long counted = ByteBuffer.wrap(counts.get(0).payload())
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        Path dataFile = Path.of(new String(
                inJournal.stream()
                        .filter(c -> c.kind() == DATA_FILE)
                        .findFirst()
                        .orElseThrow()
                        .payload(),
                StandardCharsets.UTF_8));
        Path groupsFile = dataFile.resolveSibling(dataFile.getFileName() + ".groups");
        List<Chunk> checkpoints = chunks(groupsFile);
        assertTrue(
                counted >= 1 && checkpoints.size() >= counted,
                counted + " groups counted, " + checkpoints.size() + " checkpoints in " + groupsFile);
        assertTrue(checkpoints.stream().allMatch(c -> c.kind() == ROW_GROUP), "only checkpoints in the groups file");
        return groupsFile;
    }

    /** rounds of traffic before the kill; a negative count keeps traffic running through the kill. */
    @ParameterizedTest
    @ValueSource(ints = {2, 6, -4})
    void aKillAtAnyMomentLeavesWhatRecoverTurnsIntoTheTrace(int rounds) throws Exception {
        Path trace = dir.resolve("streamed.parquet");
        Path log = dir.resolve("record.log");
        // a small journal bound: a few seconds of traffic then make several row groups
        Process p = RecorderProcess.start(
                log,
                Map.of("TCPREC_ROW_GROUP_JOURNAL_BYTES", "4096"),
                "record",
                "-e",
                "-o",
                trace.toString(),
                "--netns",
                String.valueOf(ns.inode));
        try {
            CrashSafetyTest.waitForJournal(TraceFooter.journalFor(trace));
            Thread.sleep(500);
            List<EchoTraffic.Connection> settled = new ArrayList<>();
            long activeOpensSettled;
            if (rounds > 0) {
                // At least the rounds asked for, and more until the journal bound closes a group: how
                // many bytes a round journals depends on how the recorder's batches compress.
                for (int i = 0; i < rounds || (i < 100 && !hasRowGroup(TraceFooter.journalFor(trace))); i++) {
                    settled.addAll(EchoTraffic.run(ns, "127.0.0.1", SIZES));
                }
                waitForRowGroups(TraceFooter.journalFor(trace));
                Thread.sleep(1500);
                activeOpensSettled = ns.tcpCounters().get("ActiveOpens");
            } else {
                for (int i = 0; i < -rounds || (i < 100 && !hasRowGroup(TraceFooter.journalFor(trace))); i++) {
                    settled.addAll(EchoTraffic.run(ns, "127.0.0.1", SIZES));
                }
                waitForRowGroups(TraceFooter.journalFor(trace));
                activeOpensSettled = ns.tcpCounters().get("ActiveOpens");
                Thread background = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            EchoTraffic.run(ns, "127.0.0.1", new long[] {100_000, 2000});
                        }
                    } catch (Exception e) {
                        // the namespace goes away under it at the end of the test
                    }
                });
                background.setDaemon(true);
                background.start();
                Thread.sleep(1500);
                p.destroyForcibly();
                background.interrupt();
                background.join(30_000);
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            assertFalse(Files.exists(trace), "the trace appears only when complete");
            Path groupsFile = checkGroupsFile(TraceFooter.journalFor(trace));
            if (rounds == 2) {
                // as a kill between a checkpoint's append and the journal that counts it leaves:
                // one checkpoint more than counted, which recover must pass over
                List<Chunk> checkpoints = chunks(groupsFile);
                byte[] all = Files.readAllBytes(groupsFile);
                int end = 16;
                for (Chunk c : checkpoints) {
                    end += 16 + c.payload().length;
                }
                byte[] extra = java.util.Arrays.copyOfRange(
                        all, end - 16 - checkpoints.get(checkpoints.size() - 1).payload().length, end);
                Files.write(groupsFile, extra, java.nio.file.StandardOpenOption.APPEND);
            }

            CommandLine recover = Errors.install(new CommandLine(new TcprecTestMain()));
            assertEquals(0, recover.execute("recover", trace.toString()));
            assertFalse(Files.exists(TraceFooter.journalFor(trace)), "recover removes the journal");
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(
                        List.of(trace),
                        left.filter(f -> !f.equals(log)).toList(),
                        "recover leaves the trace alone, no private directory or journal");
            }

            TraceFooter footer = TraceFooter.read(trace);
            assertEquals(TraceChecksums.Result.VERIFIED, footer.checksums());
            assertEquals(footer.rows(), TraceRows.count(trace, "true"));
            for (EchoTraffic.Connection c : settled) {
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
            long opens = TraceRows.count(
                    trace, "event = 'inet_sock_set_state' AND oldstate = 'CLOSE' " + "AND newstate = 'SYN_SENT'");
            if (rounds > 0) {
                assertEquals(activeOpensSettled, opens, "every open the kernel counted before the kill");
            } else {
                assertTrue(opens >= activeOpensSettled, opens + " opens traced, " + activeOpensSettled + " counted");
            }
            assertTrue(
                    footer.rowGroups() > 1,
                    "the recorder wrote row groups before the kill: " + footer.rowGroups() + " groups, " + footer.rows()
                            + " rows");
        } finally {
            p.destroyForcibly();
        }
    }
}
