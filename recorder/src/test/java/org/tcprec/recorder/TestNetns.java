package org.tcprec.recorder;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made for one test: its own loopback, its own SNMP counters, its own
 * nftables rules. Test traffic runs on threads that joined it with setns(2), so the counters in
 * /proc/thread-self/net/snmp are the test's alone. Tests take one as a parameter from
 * {@link NetnsExtension}, which closes it when the test or class ends, passed or failed; closing
 * deletes it (so does a shutdown hook, should the JVM end first).
 */
final class TestNetns implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    interface Sys extends Library {
        Sys INSTANCE = Native.load("c", Sys.class);

        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    final String name;
    final Path path;
    final long inode;
    private final ExecutorService threads;
    private final Thread cleanup;

    TestNetns(String prefix) throws IOException, InterruptedException {
        this.name = prefix + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        this.path = Path.of("/run/netns", name);
        run("ip", "netns", "add", name);
        cleanup = new Thread(this::delete);
        Runtime.getRuntime().addShutdownHook(cleanup);
        run("ip", "-n", name, "link", "set", "lo", "up");
        this.inode = ((Number) Files.getAttribute(path, "unix:ino")).longValue();
        ThreadFactory inside = task -> new Thread(
                () -> {
                    enter();
                    task.run();
                },
                name + "-worker");
        this.threads = Executors.newCachedThreadPool(inside);
    }

    private void enter() {
        int fd = Sys.INSTANCE.open(path.toString(), O_RDONLY);
        if (fd < 0 || Sys.INSTANCE.setns(fd, CLONE_NEWNET) != 0) {
            throw new IllegalStateException(
                    "cannot enter network namespace " + name + ": errno " + Native.getLastError());
        }
        Sys.INSTANCE.close(fd);
    }

    /** Runs the task on a thread inside the namespace. */
    <T> Future<T> submit(Callable<T> task) {
        return threads.submit(task);
    }

    <T> T inside(Callable<T> task) throws Exception {
        return submit(task).get(120, TimeUnit.SECONDS);
    }

    /** The namespace's own TCP counters (the Tcp: lines of /proc/net/snmp). */
    Map<String, Long> tcpCounters() throws Exception {
        return inside(() -> parseSnmp(Files.readString(Path.of("/proc/thread-self/net/snmp")), "Tcp"));
    }

    /**
     * Waits until every TCP socket in the namespace is in TIME_WAIT or gone, so no retransmission
     * or reset can still happen and the counters read next are final.
     */
    void quiesce() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean busy = inside(() -> {
                for (String table : new String[] {"tcp", "tcp6"}) {
                    List<String> lines = Files.readAllLines(Path.of("/proc/thread-self/net/" + table));
                    for (String line : lines.subList(1, lines.size())) {
                        String state = line.trim().split("\\s+")[3];
                        if (!state.equals("06")) {
                            return true;
                        }
                    }
                }
                return false;
            });
            if (!busy) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("sockets in " + name + " did not settle within 60 s");
    }

    /** The namespace's extended TCP counters (TcpExt: lines of /proc/net/netstat). */
    Map<String, Long> tcpExtCounters() throws Exception {
        return inside(() -> parseSnmp(Files.readString(Path.of("/proc/thread-self/net/netstat")), "TcpExt"));
    }

    static Map<String, Long> parseSnmp(String snmp, String protocol) {
        String[] lines = snmp.split("\n");
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(protocol + ":") && lines[i + 1].startsWith(protocol + ":")) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int k = 1; k < names.length; k++) {
                    out.put(names[k], Long.parseLong(values[k]));
                }
                return out;
            }
        }
        throw new IllegalStateException("no " + protocol + " counters in /proc/net/snmp");
    }

    /** Loads an nftables ruleset into the namespace. */
    void nft(String ruleset) throws IOException, InterruptedException {
        Path file = Files.createTempFile("tcprec-nft", ".nft");
        try {
            Files.writeString(file, ruleset, StandardCharsets.UTF_8);
            run("ip", "netns", "exec", name, "nft", "-f", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.trim());
        }
    }

    private void delete() {
        try {
            new ProcessBuilder("ip", "netns", "del", name)
                    .redirectErrorStream(true)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // best effort from a shutdown hook
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
