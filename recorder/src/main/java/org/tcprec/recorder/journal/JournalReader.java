package org.tcprec.recorder.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Reads a journal's chunks in order, skipping damaged ones and stopping at a torn tail. */
public final class JournalReader implements AutoCloseable {
    /** One chunk; the payload buffer is reused by the next call to {@link #next()}. */
    public record Chunk(Journal.Kind kind, ByteBuffer payload) {}

    private final FileChannel channel;
    private final long size;
    private final int wireRecordSize;
    private long position;
    private ByteBuffer payload = ByteBuffer.allocate(1 << 20);
    private final ByteBuffer header = ByteBuffer.allocate(Journal.CHUNK_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private Journal.Kind kind;
    private boolean torn;
    private long skippedStretches;
    private long skippedBytes;

    public JournalReader(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
        ByteBuffer fileHeader = ByteBuffer.allocate(Journal.FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        if (size < Journal.FILE_HEADER || !readAt(fileHeader, 0)) {
            throw new IOException(path + " is not a tcprec journal (too short)");
        }
        byte[] magic = new byte[Journal.MAGIC.length];
        fileHeader.get(0, magic);
        if (!Arrays.equals(magic, Journal.MAGIC) && !Arrays.equals(magic, Journal.MAGIC_1)) {
            throw new IOException(path + " is not a tcprec journal");
        }
        wireRecordSize = fileHeader.getInt(8);
        if (wireRecordSize <= 0) {
            throw new IOException(path + " is not a tcprec journal (records of " + wireRecordSize + " bytes)");
        }
        position = Journal.FILE_HEADER;
    }

    public int wireRecordSize() {
        return wireRecordSize;
    }

    /** True once reading stopped at bytes that did not form a whole, valid chunk. */
    public boolean tornTail() {
        return torn;
    }

    /** Bytes at the end of the file that were not part of a valid chunk. */
    public long unreadBytes() {
        return size - position;
    }

    /** Damaged stretches skipped before a valid chunk (each one counted once, however many chunks it held). */
    public long skippedStretches() {
        return skippedStretches;
    }

    /** Bytes skipped in those stretches. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /**
     * The next valid chunk. A chunk that fails its checksum or whose header makes no sense is
     * skipped: the reader looks for the next position that holds a whole chunk with a valid
     * checksum and goes on from there, so one bad sector does not cost everything after it. Only
     * when no valid chunk follows is the rest a torn tail.
     */
    public Chunk next() throws IOException {
        if (position >= size) {
            return null;
        }
        if (readChunkAt(position)) {
            return chunk();
        }
        long at = nextChunkAfter(position);
        if (at < 0) {
            torn = true;
            return null;
        }
        skippedStretches++;
        skippedBytes += at - position;
        position = at;
        return chunk();
    }

    /**
     * The first position after {@code from} that holds a whole, valid chunk (read into kind and
     * payload), or -1. Headers are screened in memory a window at a time; only a plausible one
     * costs a checksum.
     */
    private long nextChunkAfter(long from) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (long base = from + 1;
                base + Journal.CHUNK_HEADER <= size;
                base += window.capacity() - Journal.CHUNK_HEADER + 1) {
            window.clear().limit((int) Math.min(window.capacity(), size - base));
            if (!readAt(window, base)) {
                return -1;
            }
            for (int i = 0; i + Journal.CHUNK_HEADER <= window.limit(); i++) {
                if (plausible(Journal.Kind.of(window.getInt(i)), window.getInt(i + 4), window.getInt(i + 12))
                        && readChunkAt(base + i)) {
                    return base + i;
                }
            }
        }
        return -1;
    }

    private Chunk chunk() {
        position += Journal.CHUNK_HEADER + payload.limit();
        return new Chunk(kind, payload.order(ByteOrder.nativeOrder()));
    }

    /**
     * Whether a chunk header could be one the writer wrote: a known kind, the reserved word 0, and
     * a payload that is never empty (the writer appends no empty chunk; an empty one's checksum is
     * 0, so sixteen bytes of zeros and a kind inside event data would pass for one) and holds
     * whole records when it is events.
     */
    private boolean plausible(Journal.Kind kind, int length, int reserved) {
        return kind != null
                && reserved == 0
                && length > 0
                && length <= Journal.MAX_CHUNK
                && (kind != Journal.Kind.EVENTS || length % wireRecordSize == 0);
    }

    /** Reads the chunk at {@code at} into kind and payload; false if there is no whole, valid chunk there. */
    private boolean readChunkAt(long at) throws IOException {
        header.clear();
        if (!readAt(header, at)) {
            return false;
        }
        kind = Journal.Kind.of(header.getInt(0));
        int length = header.getInt(4);
        int crc = header.getInt(8);
        if (!plausible(kind, length, header.getInt(12)) || at + Journal.CHUNK_HEADER + length > size) {
            return false;
        }
        if (payload.capacity() < length) {
            payload = ByteBuffer.allocate(length);
        }
        payload.clear().limit(length);
        if (!readAt(payload, at + Journal.CHUNK_HEADER)) {
            return false;
        }
        CRC32C check = new CRC32C();
        check.update(payload.duplicate());
        return (int) check.getValue() == crc;
    }

    private boolean readAt(ByteBuffer buffer, long at) throws IOException {
        long p = at;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, p);
            if (n < 0) {
                return false;
            }
            p += n;
        }
        buffer.flip();
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
