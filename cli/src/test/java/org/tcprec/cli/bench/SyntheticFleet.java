package org.tcprec.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Writes the traces of a simulated fleet for the fleet benchmark and the fleet module's tests: HOSTS
 * synthetic traces (SyntheticTrace) of EVENTS events each, laid out as collected traces are,
 * DIR/host=NAME/NAME.parquet. Each host has its own name (host-001...), boot id, kernel release
 * (a mix of the kernels tcprec supports), traffic (its own seed) and start time (hosts start a
 * millisecond apart).
 *
 * <pre>java -cp ... org.tcprec.cli.bench.SyntheticFleet DIR HOSTS EVENTS</pre>
 */
public final class SyntheticFleet {
    static final List<String> KERNELS =
            List.of("5.10.0-33-amd64", "6.1.0-28-amd64", "6.12.9-amd64", "6.18.0-synthetic");

    private SyntheticFleet() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int hosts = Integer.parseInt(args[1]);
        long events = Long.parseLong(args[2]);
        long start = System.nanoTime();
        write(dir, hosts, events);
        System.err.printf(
                Locale.ROOT,
                "wrote %d traces of %,d events to %s in %.1f s%n",
                hosts,
                events,
                dir,
                (System.nanoTime() - start) / 1e9);
    }

    /** Writes the fleet's traces; returns them in host order. */
    public static List<Path> write(Path dir, int hosts, long events) throws Exception {
        List<Path> traces = new java.util.ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            SyntheticTrace.Host host = host(i);
            Path trace = dir.resolve("host=" + host.hostname()).resolve(host.hostname() + ".parquet");
            Files.createDirectories(trace.getParent());
            SyntheticTrace.write(trace, events, i, host, i * 1_000_000L);
            traces.add(trace);
        }
        return traces;
    }

    static SyntheticTrace.Host host(int i) {
        String name = String.format(Locale.ROOT, "host-%03d", i);
        return new SyntheticTrace.Host(
                name,
                UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString(),
                KERNELS.get(i % KERNELS.size()));
    }
}
