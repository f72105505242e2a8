package org.tcprec.recorder.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.tcprec.format.metadata.TraceMetadata.Cpus;
import org.tcprec.format.metadata.TraceMetadata.Host;
import org.tcprec.format.metadata.TraceMetadata.Uname;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.bpf.LibC;

/** The facts about the recording host that a reader elsewhere needs to interpret a trace. */
public final class HostFacts {
    private static final Path PROC_SYS = Path.of("/proc/sys");
    /** net.core.* settings that size socket buffers, and so shape TCP behaviour. */
    private static final List<String> CORE_SYSCTLS = List.of(
            "net.core.rmem_default",
            "net.core.rmem_max",
            "net.core.wmem_default",
            "net.core.wmem_max",
            "net.core.optmem_max",
            "net.core.default_qdisc",
            "net.core.somaxconn",
            "net.core.netdev_max_backlog",
            "net.ipv4.ip_local_port_range");

    private HostFacts() {}

    public static Host host() {
        LibC.UtsName uts = new LibC.UtsName();
        LibC.INSTANCE.uname(uts);
        uts.read();
        Uname uname = new Uname(
                LibC.UtsName.text(uts.sysname),
                LibC.UtsName.text(uts.release),
                LibC.UtsName.text(uts.version),
                LibC.UtsName.text(uts.machine),
                null);
        Cpus cpus = new Cpus(
                readTrimmed(Path.of("/sys/devices/system/cpu/online")),
                (long) BpfObject.possibleCpus(),
                (long) Runtime.getRuntime().availableProcessors(),
                null);
        ZoneId zone = ZoneId.systemDefault();
        return new Host(
                LibC.UtsName.text(uts.nodename),
                readTrimmed(Path.of("/proc/sys/kernel/random/boot_id")),
                uname,
                cpus,
                (long) LibC.INSTANCE.getpagesize(),
                zone.getId(),
                (long) zone.getRules().getOffset(Instant.now()).getTotalSeconds(),
                null);
    }

    /**
     * The TCP sysctls as the sockets being recorded see them: most net.* settings are per network
     * namespace, so with a namespace filter they are read on a thread that has entered that
     * namespace, over the recorder's own (the host-wide ones, tcp_mem and a few others, exist
     * only in the initial namespace).
     */
    public static Sysctls tcpSysctlsFor(long netnsInode) {
        Path ns = netnsInode == 0 ? null : findNetns(netnsInode);
        if (ns == null) {
            return new Sysctls(
                    tcpSysctls(),
                    TextNode.valueOf(
                            netnsInode == 0 ? "recorder" : "recorder (namespace " + netnsInode + " not found)"));
        }
        AtomicReference<Map<String, String>> values = new AtomicReference<>();
        String[] failure = new String[1];
        Thread reader = new Thread(
                () -> {
                    int fd = LibC.INSTANCE.open(ns.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
                    if (fd < 0) {
                        failure[0] = "cannot open " + ns;
                        return;
                    }
                    try {
                        if (LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET) != 0) {
                            failure[0] = "cannot enter " + ns;
                            return;
                        }
                    } finally {
                        LibC.INSTANCE.close(fd);
                    }
                    // /proc/sys/net resolves against the namespace of the task that opens the file
                    values.set(tcpSysctls());
                },
                "tcprec-netns-sysctls");
        reader.start();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, String> merged = tcpSysctls();
        if (values.get() == null) {
            return new Sysctls(merged, TextNode.valueOf("recorder (" + failure[0] + ")"));
        }
        merged.putAll(values.get());
        return new Sysctls(merged, LongNode.valueOf(netnsInode));
    }

    /**
     * TCP sysctls by name, and the namespace they were read in (the metadata key sysctls_netns):
     * its inode, or "recorder" and why.
     */
    public record Sysctls(Map<String, String> values, JsonNode netns) {}

    /** A path that refers to the namespace with this inode: a named one, else some process's. */
    static Path findNetns(long inode) {
        for (Path dir : List.of(Path.of("/run/netns"), Path.of("/var/run/netns"))) {
            try (DirectoryStream<Path> names = Files.newDirectoryStream(dir)) {
                for (Path p : names) {
                    if (inodeOf(p) == inode) {
                        return p;
                    }
                }
            } catch (IOException e) {
                // no named namespaces here
            }
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                Path ns = p.resolve("ns/net");
                if (inodeOf(ns) == inode) {
                    return ns;
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
        return null;
    }

    private static long inodeOf(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return -1;
        }
    }

    /** net.ipv4.tcp_* (congestion control included) and the socket-buffer settings, as sysctl names. */
    public static Map<String, String> tcpSysctls() {
        Map<String, String> out = new TreeMap<>();
        Path ipv4 = PROC_SYS.resolve("net/ipv4");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(ipv4, "tcp_*")) {
            for (Path file : dir) {
                String value = readTrimmed(file);
                if (value != null) {
                    out.put("net.ipv4." + file.getFileName(), value.replace('\t', ' '));
                }
            }
        } catch (IOException e) {
            // leave the map without them; the metadata then simply lacks these keys
        }
        for (String name : CORE_SYSCTLS) {
            String value = readTrimmed(PROC_SYS.resolve(name.replace('.', '/')));
            if (value != null) {
                out.put(name, value.replace('\t', ' '));
            }
        }
        return out;
    }

    /**
     * One read into a large buffer: an integer sysctl answers only a read from offset 0, so the
     * small first read and the one-byte probe of Files.readString (procfs reports size 0) would
     * leave just the first character ("tcp_mem=2").
     */
    public static String readTrimmed(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
