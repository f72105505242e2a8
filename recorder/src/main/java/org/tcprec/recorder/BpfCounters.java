package org.tcprec.recorder;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.LostEvents;
import org.tcprec.format.metadata.TraceMetadata.SkippedByKernel;
import org.tcprec.recorder.bpf.BpfException;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.wire.EventType;

/**
 * A reading of the BPF counters (enum tcprec_counter of bpf/tcprec.h): per counter kind, per event
 * type, per CPU. The map holds TCPREC_CNT_SLOTS values for each possible CPU and is read through a
 * memory mapping (bpf/common.bpf.h says why). {@code skipped}, the kernel's recursion misses per
 * event type, is null on a kernel that does not count them (before 5.12): unknown, not 0.
 */
record BpfCounters(long[][][] values, long[] skipped) {
    static final String[] KINDS = {"emitted", "lost", "sampled_out", "filtered"};
    static final int EMITTED = 0;
    static final int LOST = 1;
    static final int SAMPLED_OUT = 2;
    static final int FILTERED = 3;
    /** TCPREC_CNT_SLOTS: the u64s of one CPU. */
    static final int SLOTS_PER_CPU = KINDS.length * EventType.SLOTS;

    private static final String MAP = "counters";

    /** Sizes the map to the possible CPUs; before load. */
    static void size(BpfObject bpf) throws BpfException {
        bpf.setMapSize(MAP, BpfObject.possibleCpus() * SLOTS_PER_CPU);
    }

    static BpfCounters read(BpfObject bpf) throws BpfException {
        int cpus = BpfObject.possibleCpus();
        Pointer counters = bpf.mappedValues(MAP, (long) cpus * SLOTS_PER_CPU * Long.BYTES);
        long[][][] values = new long[KINDS.length][EventType.SLOTS][cpus];
        for (int kind = 0; kind < KINDS.length; kind++) {
            for (int type = 0; type < EventType.SLOTS; type++) {
                for (int cpu = 0; cpu < cpus; cpu++) {
                    long slot = (long) cpu * SLOTS_PER_CPU + kind * EventType.SLOTS + type;
                    values[kind][type][cpu] = counters.getLong(slot * Long.BYTES);
                }
            }
        }
        long[] skipped = new long[EventType.SLOTS];
        for (EventType t : EventType.values()) {
            var misses = bpf.recursionMisses(t.programName());
            if (misses.isEmpty()) {
                return new BpfCounters(values, null);
            }
            skipped[t.id()] = misses.getAsLong();
        }
        return new BpfCounters(values, skipped);
    }

    long total(int kind) {
        long sum = 0;
        for (long[] perCpu : values[kind]) {
            for (long v : perCpu) {
                sum += v;
            }
        }
        return sum;
    }

    /**
     * Every event that fired and is not in the trace: the ring was full, or the kernel skipped the
     * program; only the first where the kernel does not count the second.
     */
    long lost() {
        return total(LOST) + (skipped == null ? 0 : sum(skipped));
    }

    private Long skipped(EventType t) {
        return skipped == null ? null : skipped[t.id()];
    }

    /** The metadata key "bpf_counters" (format-spec/README.md). */
    TraceMetadata.BpfCounters toMetadata() {
        return new TraceMetadata.BpfCounters(byType(EMITTED), byType(SAMPLED_OUT), byType(FILTERED), null);
    }

    /** The metadata key "lost_events" (format-spec/README.md). */
    LostEvents lostEvents() {
        Map<String, Long> byType = new LinkedHashMap<>();
        Map<String, List<Long>> byCpuAndType = new LinkedHashMap<>();
        int cpus = values[LOST][0].length;
        long[] byCpu = new long[cpus];
        Map<String, Long> skippedByType = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            long[] perCpu = values[LOST][t.id()];
            byType.put(t.tracepoint(), sum(perCpu) + (skipped == null ? 0 : skipped[t.id()]));
            skippedByType.put(t.tracepoint(), skipped(t));
            List<Long> row = new ArrayList<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                row.add(perCpu[cpu]);
                byCpu[cpu] += perCpu[cpu];
            }
            byCpuAndType.put(t.tracepoint(), row);
        }
        List<Long> byCpuList = new ArrayList<>();
        for (long v : byCpu) {
            byCpuList.add(v);
        }
        return new LostEvents(
                lost(),
                byType,
                total(LOST),
                byCpuList,
                byCpuAndType,
                new SkippedByKernel(skipped == null ? null : sum(skipped), skippedByType, null),
                null);
    }

    private Map<String, Long> byType(int kind) {
        Map<String, Long> byType = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            byType.put(t.tracepoint(), sum(values[kind][t.id()]));
        }
        return byType;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
