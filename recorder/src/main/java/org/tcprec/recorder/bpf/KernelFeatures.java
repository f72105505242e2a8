package org.tcprec.recorder.bpf;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel features the recorder relies on, and which of them the running kernel lacks. Those
 * marked required make recording impossible; the others are recorded without, and the trace
 * says what is therefore unknown (footer key {@code unknown}).
 */
public final class KernelFeatures {
    /** A feature, the Linux release that brought it, and what its absence means. */
    public enum Feature {
        BTF(
                "BTF at /sys/kernel/btf/vmlinux",
                "5.4 built with CONFIG_DEBUG_INFO_BTF=y",
                true,
                "the programs cannot be relocated to this kernel's layouts (CO-RE)"),
        RING_BUFFER("the BPF ring buffer", "5.8", true, "the programs have no way to hand events over"),
        BOOT_CLOCK("the bpf_ktime_get_boot_ns() helper", "5.8", true, "events cannot be timed on CLOCK_BOOTTIME"),
        RECURSION_MISSES(
                "bpf_prog_info.recursion_misses",
                "5.12",
                false,
                "events the kernel skipped (a tracepoint firing while another BPF program runs on its CPU) "
                        + "are not counted: lost_events.skipped_by_kernel is unknown, lost_events.total a lower bound");

        private final String description;
        private final String since;
        private final boolean required;
        private final String withoutIt;

        Feature(String description, String since, boolean required, String withoutIt) {
            this.description = description;
            this.since = since;
            this.required = required;
            this.withoutIt = withoutIt;
        }

        public String description() {
            return description;
        }

        /** The first Linux release with the feature. */
        public String since() {
            return since;
        }

        public boolean required() {
            return required;
        }

        /** What recording without the feature loses (for those not required: what is unknown). */
        public String withoutIt() {
            return withoutIt;
        }

        /** The footer key {@code unknown}'s entry for a trace recorded without this feature. */
        public java.util.Map<String, Object> unknownEntry() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("feature", description);
            m.put("since", "Linux " + since);
            m.put("effect", withoutIt);
            return m;
        }
    }

    private KernelFeatures() {}

    /** The features this kernel lacks; a probe that cannot tell counts the feature as present. */
    public static Set<Feature> missing() {
        Set<Feature> missing = EnumSet.noneOf(Feature.class);
        if (!Files.isReadable(KernelLayout.VMLINUX_BTF)) {
            missing.add(Feature.BTF);
            // without BTF the program info's layout cannot be read either
            missing.add(Feature.RECURSION_MISSES);
        } else if (!KernelLayout.structHasMember("bpf_prog_info", "recursion_misses")) {
            missing.add(Feature.RECURSION_MISSES);
        }
        LibBpf bpf = BpfObject.libbpf();
        if (bpf.libbpf_probe_bpf_map_type(LibBpf.BPF_MAP_TYPE_RINGBUF, null) == 0) {
            missing.add(Feature.RING_BUFFER);
        }
        if (bpf.libbpf_probe_bpf_helper(LibBpf.BPF_PROG_TYPE_TRACEPOINT, LibBpf.BPF_FUNC_KTIME_GET_BOOT_NS, null)
                == 0) {
            missing.add(Feature.BOOT_CLOCK);
        }
        return missing;
    }

    /**
     * Empty when recording can go on; otherwise one line saying what the kernel lacks and from
     * which release tcprec records.
     */
    public static Optional<String> refusal(String release, Set<Feature> missing) {
        List<String> lacks = new ArrayList<>();
        String from = null;
        for (Feature f : missing) {
            if (f.required()) {
                lacks.add(f.description() + " (Linux " + f.since() + ")");
            }
        }
        if (lacks.isEmpty()) {
            return Optional.empty();
        }
        for (Feature f : Feature.values()) {
            if (f.required() && (from == null || newer(f.since(), from))) {
                from = f.since();
            }
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "tcprec cannot record on this kernel (Linux %s): it lacks %s; "
                        + "it records on Linux %s and later, with BTF",
                release,
                String.join(" and ", lacks),
                from));
    }

    /** Compares the leading MAJOR.MINOR of two release texts. */
    static boolean newer(String a, String b) {
        int[] x = majorMinor(a);
        int[] y = majorMinor(b);
        return x[0] != y[0] ? x[0] > y[0] : x[1] > y[1];
    }

    private static int[] majorMinor(String release) {
        String[] parts = release.split("[^0-9]+", 3);
        return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
    }
}
