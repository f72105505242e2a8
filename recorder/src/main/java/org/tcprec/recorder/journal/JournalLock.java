package org.tcprec.recorder.journal;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.tcprec.format.JournalLocks;
import org.tcprec.recorder.bpf.LibC;

/**
 * The flock(2) a live recording holds on its journal, so that `recover`, `info` and a second
 * `record` can tell it from an interrupted one (see {@link JournalLocks}). flock, not
 * FileChannel.lock: Java's locks are fcntl locks, which the kernel drops when the process closes
 * any descriptor of the file, as the encoder does when it reads the journal at stop.
 */
public final class JournalLock implements AutoCloseable {
    private static final int EWOULDBLOCK = 11;

    private int fd;

    private JournalLock(int fd) {
        this.fd = fd;
    }

    /** Thrown when another process holds the lock. */
    public static final class Held extends IOException {
        private final long pid;

        Held(Path journal, long pid) {
            super(journal + " is locked by pid " + pid);
            this.pid = pid;
        }

        /** The holder's pid, or -1 when /proc/locks did not say. */
        public long pid() {
            return pid;
        }
    }

    /** Takes the lock without waiting; {@link Held} when a live recorder (or recover) has it. */
    public static JournalLock take(Path journal) throws IOException {
        int fd = LibC.INSTANCE.open(journal.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW);
        if (fd < 0) {
            throw new IOException("cannot open " + journal + ": " + LibC.INSTANCE.strerror(Native.getLastError()));
        }
        if (LibC.INSTANCE.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0) {
            int errno = Native.getLastError();
            LibC.INSTANCE.close(fd);
            if (errno == EWOULDBLOCK) {
                OptionalLong pid = JournalLocks.holder(journal);
                throw new Held(journal, pid.orElse(-1));
            }
            throw new IOException("cannot lock " + journal + ": " + LibC.INSTANCE.strerror(errno));
        }
        return new JournalLock(fd);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LibC.INSTANCE.close(fd);
            fd = -1;
        }
    }
}
