package org.tcprec.recorder.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Reads a journal's chunks in order, stopping quietly at a torn or corrupt tail. */
public final class JournalReader implements AutoCloseable {
    /** One chunk; the payload buffer is reused by the next call to {@link #next()}. */
    public record Chunk(Journal.Kind kind, ByteBuffer payload) {}

    private final FileChannel channel;
    private final long size;
    private final int wireRecordSize;
    private long position;
    private ByteBuffer payload = ByteBuffer.allocate(1 << 20);
    private boolean torn;

    public JournalReader(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(Journal.FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        if (size < Journal.FILE_HEADER || !readAt(header, 0)) {
            throw new IOException(path + " is not a tcprec journal (too short)");
        }
        byte[] magic = new byte[Journal.MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, Journal.MAGIC)) {
            throw new IOException(path + " is not a tcprec journal");
        }
        wireRecordSize = header.getInt(8);
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

    public Chunk next() throws IOException {
        if (position >= size) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(Journal.CHUNK_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        if (!readAt(header, position)) {
            torn = true;
            return null;
        }
        Journal.Kind kind = Journal.Kind.of(header.getInt(0));
        int length = header.getInt(4);
        int crc = header.getInt(8);
        if (kind == null || length < 0 || length > Journal.MAX_CHUNK) {
            torn = true;
            return null;
        }
        if (payload.capacity() < length) {
            payload = ByteBuffer.allocate(length);
        }
        payload.clear().limit(length);
        if (!readAt(payload, position + Journal.CHUNK_HEADER)) {
            torn = true;
            return null;
        }
        CRC32C check = new CRC32C();
        check.update(payload.duplicate());
        if ((int) check.getValue() != crc) {
            torn = true;
            return null;
        }
        position += Journal.CHUNK_HEADER + length;
        return new Chunk(kind, payload.order(ByteOrder.nativeOrder()));
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
