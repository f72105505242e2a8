package org.tcprec.recorder;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tcprec.cli.support.AddressFamily;
import org.tcprec.cli.support.PortListConverter;
import org.tcprec.cli.support.UserError;
import org.tcprec.recorder.bpf.LibC;
import org.tcprec.recorder.host.HostFacts;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The bcc-style filters, applied in BPF before an event costs ring space. */
public final class FilterOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = {"-p", "--pid"},
            paramLabel = "PID",
            description = "Only sockets used by this process (its own events, and later events of its sockets).")
    int pid;

    @Option(
            names = {"-L", "--localport"},
            paramLabel = "PORTS",
            converter = PortListConverter.class,
            description = "Only these local ports (comma list, up to 8).")
    List<Integer> localPorts = new ArrayList<>();

    @Option(
            names = {"-D", "--remoteport"},
            paramLabel = "PORTS",
            converter = PortListConverter.class,
            description = "Only these remote ports (comma list, up to 8).")
    List<Integer> remotePorts = new ArrayList<>();

    @ArgGroup(exclusive = true)
    AddressFamily family;

    @Option(
            names = "--netns",
            paramLabel = "INODE|PATH",
            description = "Only sockets of this network namespace: its inode number, or a path such as "
                    + "/proc/PID/ns/net or /run/netns/NAME.")
    String netns;

    @Option(
            names = {"-c", "--cgroup"},
            paramLabel = "ID|PATH",
            description = "Only sockets created in this cgroup (v2): its id, or its directory under /sys/fs/cgroup.")
    String cgroup;

    /** The pid filter (0: none), checked: a process that exists now. */
    int pid() {
        if (pid == 0 && !spec.commandLine().getParseResult().hasMatchedOption("--pid")) {
            return 0;
        }
        long max = pidMax();
        if (pid < 1 || pid > max) {
            throw usage("-p " + pid + " is not a process id (1 to " + max + ")");
        }
        if (!Files.isDirectory(Path.of("/proc/" + pid))) {
            throw new UserError("-p " + pid + ": no such process");
        }
        return pid;
    }

    private static long pidMax() {
        try {
            return Long.parseLong(HostFacts.readTrimmed(Path.of("/proc/sys/kernel/pid_max")));
        } catch (NumberFormatException e) {
            return 1 << 22; // the kernel's upper limit for pid_max
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    int family() {
        return AddressFamily.of(family);
    }

    List<Integer> localPorts() {
        return limited(localPorts, "-L");
    }

    List<Integer> remotePorts() {
        return limited(remotePorts, "-D");
    }

    private static List<Integer> limited(List<Integer> ports, String option) {
        if (ports.size() > RecordingConfig.MAX_PORTS) {
            throw new UserError(option + " takes at most " + RecordingConfig.MAX_PORTS + " ports");
        }
        return List.copyOf(ports);
    }

    long netnsInode() {
        if (netns == null) {
            return 0;
        }
        if (isNumber(netns)) {
            return positive(netns, "--netns");
        }
        Path path = Path.of(netns);
        int fd = LibC.INSTANCE.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new UserError("--netns: cannot open " + netns + ": " + LibC.INSTANCE.strerror(Native.getLastError()));
        }
        try {
            if (LibC.INSTANCE.ioctl(fd, new NativeLong(LibC.NS_GET_NSTYPE)) != LibC.CLONE_NEWNET) {
                throw usage(
                        "--netns " + netns + " is not a network namespace (e.g. /run/netns/NAME, /proc/PID/ns/net)");
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
        return inode(path, "--netns");
    }

    long cgroupId() {
        if (cgroup == null) {
            return 0;
        }
        if (isNumber(cgroup)) {
            return positive(cgroup, "--cgroup");
        }
        Path path = Path.of(cgroup);
        String type;
        try {
            type = Files.getFileStore(path).type();
        } catch (IOException e) {
            throw new UserError("--cgroup: cannot read " + cgroup + " (" + e.getMessage() + ")");
        }
        if (!"cgroup2".equals(type) || !Files.isDirectory(path)) {
            throw usage("--cgroup " + cgroup + " is not a cgroup v2 directory (e.g. /sys/fs/cgroup/system.slice)");
        }
        // A cgroup v2 id is the inode number of its directory in the cgroup file system.
        return inode(path, "--cgroup");
    }

    private static boolean isNumber(String value) {
        return !value.isEmpty() && value.chars().allMatch(Character::isDigit);
    }

    private long positive(String value, String option) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw usage(option + " " + value + " is too large");
        }
        if (n == 0) {
            throw usage(option + " 0 names nothing; leave " + option + " out to record every one");
        }
        return n;
    }

    private static long inode(Path path, String option) {
        try {
            return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new UserError(option + ": cannot read " + path + " (" + e.getMessage() + ")");
        }
    }
}
