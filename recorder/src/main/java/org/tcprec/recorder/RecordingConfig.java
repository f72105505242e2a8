package org.tcprec.recorder;

import java.nio.file.Path;
import java.util.List;
import org.tcprec.cli.support.FileOwner;

/**
 * Everything a recording is told: where, how long, what to keep. Filters are applied in BPF.
 *
 * @param durationNs 0 records until stopped by a signal
 * @param probeIntervalNs 0 records every tcp_probe event
 * @param owner who gets the trace (--owner, else the user who ran sudo)
 */
public record RecordingConfig(
        Path output,
        boolean force,
        long durationNs,
        int pid,
        int family,
        List<Integer> localPorts,
        List<Integer> remotePorts,
        long netns,
        long cgroupId,
        long probeIntervalNs,
        int ringBytes,
        List<String> commandLine,
        FileOwner owner) {

    /** A recording whose trace goes to the user who ran sudo, or stays with the process's user. */
    public RecordingConfig(
            Path output,
            boolean force,
            long durationNs,
            int pid,
            int family,
            List<Integer> localPorts,
            List<Integer> remotePorts,
            long netns,
            long cgroupId,
            long probeIntervalNs,
            int ringBytes,
            List<String> commandLine) {
        this(
                output,
                force,
                durationNs,
                pid,
                family,
                localPorts,
                remotePorts,
                netns,
                cgroupId,
                probeIntervalNs,
                ringBytes,
                commandLine,
                FileOwner.of(null));
    }

    public static final long DEFAULT_PROBE_INTERVAL_NS = 10_000_000L;
    public static final int DEFAULT_RING_BYTES = 16 << 20;
    public static final int MAX_PORTS = 8;
}
