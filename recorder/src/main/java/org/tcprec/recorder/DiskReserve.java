package org.tcprec.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Disk space held back while recording so that a full disk still leaves room to finish the trace
 * (its last row group and footer): released just before.
 */
final class DiskReserve {
    private final Path path;
    private FileChannel channel;
    private long size;

    DiskReserve(Path path) {
        this.path = path;
    }

    /** Grows the reserve to at least {@code bytes}. */
    void ensure(long bytes) throws IOException {
        if (channel == null) {
            Files.deleteIfExists(path);
            channel = FileChannel.open(
                    path,
                    Set.<OpenOption>of(
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        while (size < bytes) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), bytes - size));
            size += channel.write(zeros, size);
        }
    }

    long bytes() {
        return size;
    }

    void release() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // leave it; the next recording replaces it
        }
        size = 0;
    }
}
