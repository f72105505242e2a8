package org.tcprec.recorder.host;

import org.tcprec.format.metadata.TraceMetadata.ClockReading;
import org.tcprec.recorder.bpf.LibC;

/**
 * REALTIME, MONOTONIC and BOOTTIME read back to back. Events carry BOOTTIME; with a sample taken
 * at start and one at stop, a reader maps event times to wall-clock time and can see whether the
 * wall clock was stepped during the recording.
 */
public record ClockSample(long realtimeNs, long monotonicNs, long boottimeNs) {

    /** Takes a few samples and keeps the tightest, so the three clocks are read as close as possible. */
    public static ClockSample now() {
        LibC.TimeSpec ts = new LibC.TimeSpec();
        ClockSample best = null;
        long bestSpread = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = read(LibC.CLOCK_BOOTTIME, ts);
            long real = read(LibC.CLOCK_REALTIME, ts);
            long mono = read(LibC.CLOCK_MONOTONIC, ts);
            long after = read(LibC.CLOCK_BOOTTIME, ts);
            if (after - before < bestSpread) {
                bestSpread = after - before;
                best = new ClockSample(real, mono, before + (after - before) / 2);
            }
        }
        return best;
    }

    private static long read(int clock, LibC.TimeSpec ts) {
        LibC.INSTANCE.clock_gettime(clock, ts);
        ts.read();
        return ts.toNanos();
    }

    /** Wall-clock UTC nanoseconds of a BOOTTIME instant, by this sample. */
    public long realtimeOf(long boottimeNs) {
        return realtimeNs + (boottimeNs - this.boottimeNs);
    }

    public ClockReading reading() {
        return new ClockReading(realtimeNs, monotonicNs, boottimeNs, null);
    }

    /** The sample a reading in the metadata holds; null when it lacks one of the clocks. */
    public static ClockSample of(ClockReading reading) {
        if (reading.realtimeNs() == null || reading.monotonicNs() == null || reading.boottimeNs() == null) {
            return null;
        }
        return new ClockSample(reading.realtimeNs(), reading.monotonicNs(), reading.boottimeNs());
    }
}
