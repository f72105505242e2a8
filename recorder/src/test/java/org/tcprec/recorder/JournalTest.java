package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.recorder.journal.Journal;
import org.tcprec.recorder.journal.JournalReader;
import org.tcprec.recorder.journal.JournalWriter;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void aTornLastChunkIsDroppedAndEverythingBeforeItRead() throws Exception {
        Path file = dir.resolve("j");
        try (JournalWriter w = new JournalWriter(file, 184)) {
            w.append(Journal.Kind.START, "{\"a\":1}");
            w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(new byte[184 * 3]));
            w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(new byte[184 * 5]));
        }
        // Cut the last chunk in the middle, as a kill during a write would.
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 100);
        }
        try (JournalReader r = new JournalReader(file)) {
            assertEquals(184, r.wireRecordSize());
            assertEquals(Journal.Kind.START, r.next().kind());
            JournalReader.Chunk events = r.next();
            assertEquals(Journal.Kind.EVENTS, events.kind());
            assertEquals(184 * 3, events.payload().remaining());
            assertNull(r.next());
            assertTrue(r.tornTail());
            assertEquals(16 + 184 * 5 - 100, r.unreadBytes());
        }
    }

    @Test
    void aChunkFailingItsChecksumInTheMiddleIsSkippedAndReadingGoesOn() throws Exception {
        for (int flipAt : new int[] {16 + 50, 4}) { // in the payload, then in the length of the chunk's header
            Path file = dir.resolve("j" + flipAt);
            long second;
            try (JournalWriter w = new JournalWriter(file, 184)) {
                w.append(Journal.Kind.START, "{}");
                w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(filled(184 * 3, 1)));
                second = w.bytes();
                w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(filled(184 * 4, 2)));
                w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(filled(184 * 5, 3)));
                w.append(Journal.Kind.STOP, "{}");
            }
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                c.read(b, second + flipAt);
                b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
                c.write(b, second + flipAt);
            }
            try (JournalReader r = new JournalReader(file)) {
                assertEquals(Journal.Kind.START, r.next().kind());
                assertEquals(184 * 3, r.next().payload().remaining());
                JournalReader.Chunk third = r.next();
                assertEquals(Journal.Kind.EVENTS, third.kind());
                assertEquals(184 * 5, third.payload().remaining());
                assertEquals(3, third.payload().get(0));
                assertEquals(Journal.Kind.STOP, r.next().kind());
                assertNull(r.next());
                assertEquals(false, r.tornTail());
                assertEquals(1, r.skippedStretches());
                assertEquals(16 + 184 * 4, r.skippedBytes());
            }
        }
    }

    /**
     * Event data holds many zeros: a kind code followed by twelve zero bytes reads as an empty
     * chunk with a valid checksum (that of nothing), which must not pass for the next chunk.
     */
    @Test
    void zerosInDamagedEventDataAreNotTakenForAChunk() throws Exception {
        Path file = dir.resolve("zeros");
        byte[] events = new byte[184 * 4];
        events[300] = 3; // the code of a COUNTERS chunk, then zeros
        long second;
        try (JournalWriter w = new JournalWriter(file, 184)) {
            w.append(Journal.Kind.START, "{}");
            second = w.bytes();
            w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(events));
            w.append(Journal.Kind.STOP, "{\"stop\":1}");
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(new byte[] {1}), second + 16 + 10);
        }
        try (JournalReader r = new JournalReader(file)) {
            assertEquals(Journal.Kind.START, r.next().kind());
            JournalReader.Chunk next = r.next();
            assertEquals(Journal.Kind.STOP, next.kind());
            assertEquals("{\"stop\":1}".length(), next.payload().remaining());
            assertNull(r.next());
            assertEquals(1, r.skippedStretches());
            assertEquals(16 + 184 * 4, r.skippedBytes());
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void aCorruptedChunkFailsItsChecksum() throws Exception {
        Path file = dir.resolve("j");
        try (JournalWriter w = new JournalWriter(file, 184)) {
            w.append(Journal.Kind.START, "{}");
            w.append(Journal.Kind.EVENTS, ByteBuffer.wrap(new byte[184]));
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(new byte[] {7}), c.size() - 10);
        }
        try (JournalReader r = new JournalReader(file)) {
            assertEquals(Journal.Kind.START, r.next().kind());
            assertNull(r.next());
            assertTrue(r.tornTail());
        }
    }
}
