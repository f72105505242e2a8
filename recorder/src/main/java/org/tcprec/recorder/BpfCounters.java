package org.tcprec.recorder;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.recorder.bpf.BpfException;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.wire.EventType;

/**
 * A reading of the BPF counters (enum tcprec_counter of bpf/tcprec.h): per counter kind, per event
 * type, per CPU. The map holds TCPREC_CNT_SLOTS values for each possible CPU and is read through a
 * memory mapping (bpf/common.bpf.h says why).
 */
record BpfCounters(long[][][] values, long[] skipped) {
    static final String[] KINDS = {"emitted", "lost", "sampled_out", "filtered"};
    static final int LOST = 1;
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
            skipped[t.id()] = bpf.recursionMisses(t.programName());
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

    /** Every event that fired and is not in the trace: the ring was full, or the kernel skipped the program. */
    long lost() {
        return total(LOST) + sum(skipped);
    }

    /** The metadata keys "bpf_counters" and "lost_events" (format-spec/README.md). */
    Map<String, Object> toMetadata() {
        Map<String, Object> counters = new LinkedHashMap<>();
        for (int kind = 0; kind < KINDS.length; kind++) {
            if (kind == LOST) {
                continue;
            }
            Map<String, Object> byType = new LinkedHashMap<>();
            for (EventType t : EventType.values()) {
                byType.put(t.tracepoint(), sum(values[kind][t.id()]));
            }
            counters.put(KINDS[kind], byType);
        }
        Map<String, Object> lost = new LinkedHashMap<>();
        lost.put("total", lost());
        Map<String, Object> byType = new LinkedHashMap<>();
        Map<String, Object> byCpuAndType = new LinkedHashMap<>();
        int cpus = values[LOST][0].length;
        long[] byCpu = new long[cpus];
        Map<String, Object> skippedByType = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            long[] perCpu = values[LOST][t.id()];
            byType.put(t.tracepoint(), sum(perCpu) + skipped[t.id()]);
            skippedByType.put(t.tracepoint(), skipped[t.id()]);
            List<Object> row = new ArrayList<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                row.add(perCpu[cpu]);
                byCpu[cpu] += perCpu[cpu];
            }
            byCpuAndType.put(t.tracepoint(), row);
        }
        List<Object> byCpuList = new ArrayList<>();
        for (long v : byCpu) {
            byCpuList.add(v);
        }
        lost.put("by_type", byType);
        lost.put("ring_full", total(LOST));
        lost.put("by_cpu", byCpuList);
        lost.put("by_cpu_and_type", byCpuAndType);
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("total", sum(skipped));
        kernel.put("by_type", skippedByType);
        lost.put("skipped_by_kernel", kernel);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bpf_counters", counters);
        out.put("lost_events", lost);
        return out;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
