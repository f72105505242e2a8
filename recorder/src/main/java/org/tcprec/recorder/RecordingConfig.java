package org.tcprec.recorder;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a recording is told: where, how long, what to keep. Filters are applied in BPF.
 *
 * @param durationNs 0 records until stopped by a signal
 * @param probeIntervalNs 0 records every tcp_probe event
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
        List<String> commandLine) {

    public static final long DEFAULT_PROBE_INTERVAL_NS = 10_000_000L;
    public static final int DEFAULT_RING_BYTES = 16 << 20;
    public static final int MAX_PORTS = 8;
}
