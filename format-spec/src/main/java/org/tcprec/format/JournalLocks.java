package org.tcprec.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a journal belongs to a live recording. A recorder holds flock(2) on its journal for as
 * long as it runs (the recorder takes it); the lock dies with the process, so a journal nobody
 * holds is an interrupted recording's. The holder's pid is read from /proc/locks, which lists
 * every lock with its pid and the file's device and inode: flock itself cannot tell who holds it.
 */
public final class JournalLocks {
    /** A /proc/locks line: "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END" (hex device numbers). */
    private static final Pattern LOCK =
            Pattern.compile("\\bFLOCK\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+([0-9a-f]+):([0-9a-f]+):(\\d+)\\s");

    private JournalLocks() {}

    /** The pid of the process holding a flock on {@code journal}, if any. */
    public static OptionalLong holder(Path journal) {
        long dev;
        long inode;
        String locks;
        try {
            dev = ((Number) Files.getAttribute(journal, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
            inode = ((Number) Files.getAttribute(journal, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
            locks = Files.readString(Path.of("/proc/locks"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        // glibc's major() and minor() of a dev_t
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        Matcher m = LOCK.matcher(locks);
        while (m.find()) {
            if (Long.parseLong(m.group(2), 16) == major
                    && Long.parseLong(m.group(3), 16) == minor
                    && Long.parseLong(m.group(4)) == inode) {
                return OptionalLong.of(Long.parseLong(m.group(1)));
            }
        }
        return OptionalLong.empty();
    }

    /** The one wording for a trace whose recording is still running (pid -1: unknown). */
    public static String beingRecorded(Path trace, long pid) {
        return trace + " is being recorded by " + (pid < 0 ? "another process" : "pid " + pid)
                + "; it appears when that recording stops";
    }
}
