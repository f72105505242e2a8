package org.tcprec.recorder.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.zip.CRC32C;

/** Appends chunks to a new journal file (mode 0600, never through a symlink). */
public final class JournalWriter implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(Journal.CHUNK_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private long bytes;

    public JournalWriter(Path path, int wireRecordSize) throws IOException {
        this.channel = FileChannel.open(
                path,
                Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        ByteBuffer fileHeader = ByteBuffer.allocate(Journal.FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        fileHeader.put(Journal.MAGIC).putInt(wireRecordSize).putInt(0).flip();
        writeFully(fileHeader);
    }

    public void append(Journal.Kind kind, String json) throws IOException {
        append(kind, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Appends the buffer's remaining bytes as one chunk. */
    public void append(Journal.Kind kind, ByteBuffer payload) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        header.clear();
        header.putInt(kind.code)
                .putInt(payload.remaining())
                .putInt((int) crc.getValue())
                .putInt(0)
                .flip();
        long before = bytes;
        try {
            writeFully(header);
            writeFully(payload);
        } catch (IOException e) {
            // Cut the partial chunk off (e.g. on a full disk), so later chunks, such as the STOP
            // record written once space was freed, still follow a valid chunk.
            try {
                channel.truncate(before);
                channel.position(before);
                bytes = before;
            } catch (IOException ignored) {
                // the reader stops at the torn chunk instead
            }
            throw e;
        }
    }

    /** Bytes in the file so far. */
    public long bytes() {
        return bytes;
    }

    /** Makes what was appended survive a power loss, not only a process kill. */
    public void sync() throws IOException {
        channel.force(false);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            bytes += channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
