package org.tcprec.recorder.host;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.tcprec.recorder.bpf.LibC;

/**
 * The kernel's tracefs: libbpf needs it to resolve tracepoint ids, and tcprec stores each
 * tracepoint's format text from it. Mounted on demand, since some systems do not mount it at boot.
 */
public final class TraceFs {
    static final Path TRACING = Path.of("/sys/kernel/tracing");
    static final Path DEBUG_TRACING = Path.of("/sys/kernel/debug/tracing");

    private final Path root;

    private TraceFs(Path root) {
        this.root = root;
    }

    /** Finds tracefs, mounting it at /sys/kernel/tracing when it is not mounted anywhere. */
    public static TraceFs mountIfNeeded() throws IOException {
        for (Path candidate : new Path[] {TRACING, DEBUG_TRACING}) {
            if (Files.isDirectory(candidate.resolve("events"))) {
                return new TraceFs(candidate);
            }
        }
        int rc = LibC.INSTANCE.mount("nodev", TRACING.toString(), "tracefs", new NativeLong(0), null);
        if (rc != 0 || !Files.isDirectory(TRACING.resolve("events"))) {
            throw new IOException("tracefs is not mounted and mounting it failed ("
                    + LibC.INSTANCE.strerror(Native.getLastError())
                    + "): run 'mount -t tracefs nodev /sys/kernel/tracing' as root");
        }
        return new TraceFs(TRACING);
    }

    public Path root() {
        return root;
    }

    /** The names of the category's tracepoints, sorted; empty when the kernel has no such category. */
    public List<String> tracepoints(String category) {
        Path dir = root.resolve("events").resolve(category);
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("format")))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The tracepoint's format file text, or empty when this kernel has no such tracepoint. */
    public Optional<String> format(String category, String name) {
        Path file = root.resolve("events").resolve(category).resolve(name).resolve("format");
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
