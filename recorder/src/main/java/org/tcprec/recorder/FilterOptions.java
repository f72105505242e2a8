package org.tcprec.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tcprec.cli.support.AddressFamily;
import org.tcprec.cli.support.PortListConverter;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The bcc-style filters, applied in BPF before an event costs ring space. */
public final class FilterOptions {
    @Option(names = {"-p", "--pid"}, paramLabel = "PID",
            description = "Only sockets used by this process (its own events, and later events of its sockets).")
    int pid;

    @Option(names = {"-L", "--localport"}, paramLabel = "PORTS", converter = PortListConverter.class,
            description = "Only these local ports (comma list, up to 8).")
    List<Integer> localPorts = new ArrayList<>();

    @Option(names = {"-D", "--remoteport"}, paramLabel = "PORTS", converter = PortListConverter.class,
            description = "Only these remote ports (comma list, up to 8).")
    List<Integer> remotePorts = new ArrayList<>();

    @ArgGroup(exclusive = true)
    AddressFamily family;

    @Option(names = "--netns", paramLabel = "INODE|PATH",
            description = "Only sockets of this network namespace: its inode number, or a path such as "
                    + "/proc/PID/ns/net or /run/netns/NAME.")
    String netns;

    @Option(names = {"-c", "--cgroup"}, paramLabel = "ID|PATH",
            description = "Only sockets created in this cgroup (v2): its id, or its directory under /sys/fs/cgroup.")
    String cgroup;

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
        return inodeOrNumber(netns, "--netns");
    }

    long cgroupId() {
        // A cgroup v2 id is the inode number of its directory in the cgroup file system.
        return inodeOrNumber(cgroup, "--cgroup");
    }

    private static long inodeOrNumber(String value, String option) {
        if (value == null) {
            return 0;
        }
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
            return Long.parseLong(value);
        }
        try {
            return ((Number) Files.getAttribute(Path.of(value), "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new UserError(option + ": cannot read " + value + " (" + e.getMessage() + ")");
        }
    }
}
