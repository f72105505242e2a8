package org.tcprec.recorder.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** The few libc calls Java has no API for. */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 1;
    Pointer MAP_FAILED = new Pointer(-1);
    short POLLIN = 1;
    int CLOCK_REALTIME = 0;
    int CLOCK_MONOTONIC = 1;
    int CLOCK_BOOTTIME = 7;

    Pointer mmap(Pointer address, NativeLong length, int prot, int flags, int fd, NativeLong offset);

    int munmap(Pointer address, NativeLong length);

    /** struct pollfd { int fd; short events; short revents; } packed into 8 bytes. */
    int poll(Pointer fds, NativeLong count, int timeoutMillis);

    int clock_gettime(int clock, TimeSpec out);

    int uname(UtsName out);

    int mount(String source, String target, String type, NativeLong flags, Pointer data);

    int vsnprintf(byte[] buffer, NativeLong size, String format, Pointer vaList);

    int getpagesize();

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    int open(String path, int flags);

    int close(int fd);

    /** Moves the calling thread (only it) into the namespace that fd refers to. */
    int setns(int fd, int nstype);

    String strerror(int errno);

    int SIGINT = 2;
    int O_NOFOLLOW = 0x20000;
    int LOCK_EX = 2;
    int LOCK_NB = 4;

    int flock(int fd, int operation);

    /** ioctl on a namespace file: which kind of namespace it is (a CLONE_NEW* value). */
    long NS_GET_NSTYPE = 0xb703;

    int ioctl(int fd, NativeLong request);

    /** Sets a signal's disposition; a null handler is SIG_DFL. Returns the previous one. */
    Pointer signal(int signal, Pointer handler);

    @Structure.FieldOrder({"seconds", "nanos"})
    class TimeSpec extends Structure {
        public long seconds;
        public long nanos;

        public long toNanos() {
            return seconds * 1_000_000_000L + nanos;
        }
    }

    @Structure.FieldOrder({"sysname", "nodename", "release", "version", "machine", "domainname"})
    class UtsName extends Structure {
        public byte[] sysname = new byte[65];
        public byte[] nodename = new byte[65];
        public byte[] release = new byte[65];
        public byte[] version = new byte[65];
        public byte[] machine = new byte[65];
        public byte[] domainname = new byte[65];

        public static String text(byte[] field) {
            return Native.toString(field);
        }
    }
}
