package org.tcprec.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.recorder.bpf.BpfException;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.host.TraceFs;
import org.tcprec.recorder.wire.EventType;

/**
 * The BPF side of a recording: which tracepoints this kernel has, the programs' settings (ring
 * size, filters, sampling), loading and attaching.
 */
final class BpfSetup {
    static final String BPF_OBJECT_RESOURCE = "/org/tcprec/bpf/tcprec.bpf.o";
    /** Gives tcp_probe its socket on kernels whose tracepoint has no skaddr (bpf/probe.bpf.c). */
    static final String PROBE_SOCKET_PROGRAM = "remember_probe_socket";

    /** The tracepoints found, by qualified name, with their formats (text of the format file). */
    record Tracepoints(List<String> present, List<String> missing, Map<String, String> formats) {}

    private BpfSetup() {}

    static Tracepoints tracepoints() throws RecordingException {
        TraceFs traceFs;
        try {
            traceFs = TraceFs.mountIfNeeded();
        } catch (IOException e) {
            throw new RecordingException(e.getMessage());
        }
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, String> formats = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            var format = traceFs.format(t.category(), t.tracepoint());
            if (format.isPresent()) {
                formats.put(t.qualifiedName(), format.get());
                present.add(t.qualifiedName());
            } else {
                missing.add(t.qualifiedName());
            }
        }
        return new Tracepoints(present, missing, formats);
    }

    /** Sets the programs up and loads them; nothing runs until {@link #attach}. */
    static void load(BpfObject bpf, RecordingConfig config, Tracepoints tracepoints) throws BpfException {
        configure(bpf, config, tracepoints.missing());
        bpf.setAutoload(PROBE_SOCKET_PROGRAM, probeLacksSocket(tracepoints.formats()));
        bpf.load();
    }

    /** Attaches the loaded programs whose tracepoint exists; returns the attached ones. */
    static List<String> attach(BpfObject bpf, Tracepoints tracepoints) throws BpfException {
        if (probeLacksSocket(tracepoints.formats())) {
            bpf.attach(PROBE_SOCKET_PROGRAM);
        }
        List<String> attached = new ArrayList<>();
        for (EventType t : EventType.values()) {
            if (!tracepoints.missing().contains(t.qualifiedName())) {
                bpf.attach(t.programName());
                attached.add(t.qualifiedName());
            }
        }
        return attached;
    }

    /** True when this kernel has tcp_probe but its format has no skaddr field (before 6.x; 6.1 has none). */
    static boolean probeLacksSocket(Map<String, String> formats) {
        String format = formats.get(EventType.TCP_PROBE.qualifiedName());
        return format != null && !format.matches("(?s).*\\bskaddr;.*");
    }

    static byte[] bpfObjectBytes() throws RecordingException {
        try (InputStream in = BpfSetup.class.getResourceAsStream(BPF_OBJECT_RESOURCE)) {
            if (in == null) {
                throw new RecordingException(
                        "the BPF object is missing from tcprec's jar (" + BPF_OBJECT_RESOURCE + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RecordingException("cannot read the embedded BPF object: " + e.getMessage());
        }
    }

    private static void configure(BpfObject bpf, RecordingConfig config, List<String> missing) throws BpfException {
        bpf.setMapSize("events", config.ringBytes());
        BpfCounters.size(bpf);
        // Wake the consumer once a quarter of the ring is used; it also polls every 100 ms.
        bpf.setU64("wakeup_bytes", config.ringBytes() / 4);
        bpf.setU64("probe_interval_ns", config.probeIntervalNs());
        bpf.setU32("filter_tgid", config.pid());
        bpf.setU16("filter_family", config.family());
        bpf.setU32("filter_netns", (int) config.netns());
        bpf.setU64("filter_cgroup_id", config.cgroupId());
        bpf.setU32("filter_lport_count", config.localPorts().size());
        bpf.setU16Array("filter_lports", ports(config.localPorts()));
        bpf.setU32("filter_rport_count", config.remotePorts().size());
        bpf.setU16Array("filter_rports", ports(config.remotePorts()));
        for (EventType t : EventType.values()) {
            if (missing.contains(t.qualifiedName())) {
                bpf.setAutoload(t.programName(), false);
            }
        }
    }

    private static int[] ports(List<Integer> ports) {
        int[] out = new int[RecordingConfig.MAX_PORTS];
        for (int i = 0; i < ports.size(); i++) {
            out[i] = ports.get(i);
        }
        return out;
    }
}
