package org.tcprec.recorder;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.cli.support.BuildInfo;
import org.tcprec.format.TraceSchema;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.Clock;
import org.tcprec.format.metadata.TraceMetadata.Clocks;
import org.tcprec.format.metadata.TraceMetadata.Filters;
import org.tcprec.format.metadata.TraceMetadata.ProbeSampling;
import org.tcprec.format.metadata.TraceMetadata.Recording;
import org.tcprec.format.metadata.TraceMetadata.Recovery;
import org.tcprec.format.metadata.TraceMetadata.Ring;
import org.tcprec.format.metadata.TraceMetadata.Sampling;
import org.tcprec.format.metadata.TraceMetadata.Tool;
import org.tcprec.format.metadata.TraceMetadata.Tracepoints;
import org.tcprec.recorder.bpf.KernelLayout;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.host.HostFacts;
import org.tcprec.recorder.wire.WireEvent;

/**
 * The trace's metadata (format-spec/README.md): what is known at the start of a recording, what
 * its stop adds, and the footer put together from those, the last counters and the rows.
 */
final class RecordingMetadata {
    private RecordingMetadata() {}

    /** What is known once the programs are attached; the journal's START chunk. */
    static TraceMetadata atStart(
            RecordingConfig config,
            ClockSample clock,
            List<String> attached,
            List<String> missing,
            Map<String, String> formats) {
        Tool tool = new Tool("tcprec", BuildInfo.version(), System.getProperty("java.version"), null);
        Clock clockInfo = new Clock(
                "CLOCK_BOOTTIME",
                "bpf_ktime_get_boot_ns() in each BPF program",
                "clocks.start.realtime_ns + (boottime - clocks.start.boottime_ns)",
                clock.realtimeNs() - clock.boottimeNs(),
                null);
        Recording recording = new Recording(
                Instant.ofEpochSecond(0, clock.realtimeNs()).toString(),
                config.durationNs() == 0 ? null : config.durationNs(),
                null,
                null,
                null,
                null);
        HostFacts.Sysctls sysctls = HostFacts.tcpSysctlsFor(config.netns());
        Filters filters = new Filters(
                config.pid() == 0 ? null : (long) config.pid(),
                config.family() == 0 ? null : config.family() == 2 ? "ipv4" : "ipv6",
                config.localPorts(),
                config.remotePorts(),
                config.netns() == 0 ? null : config.netns(),
                config.cgroupId() == 0 ? null : config.cgroupId(),
                null);
        ProbeSampling probe = config.probeIntervalNs() == 0
                ? new ProbeSampling("all", null, null, null)
                : new ProbeSampling(
                        "per_socket_interval",
                        config.probeIntervalNs(),
                        "at most one tcp_probe event per socket per interval; skipped events are "
                                + "counted in bpf_counters.sampled_out",
                        null);
        Ring ring = new Ring((long) config.ringBytes(), (long) (config.ringBytes() / 4), (long) WireEvent.SIZE, null);
        return new TraceMetadata(
                TraceSchema.VERSION,
                tool,
                config.commandLine(),
                HostFacts.host(),
                clockInfo,
                new Clocks(clock.reading(), null, null),
                recording,
                new Tracepoints(attached, missing, formats, null),
                KernelLayout.describe(attached),
                sysctls.values(),
                sysctls.netns(),
                filters,
                new Sampling(probe, null),
                ring,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** The STOP chunk: the last counters, the stop clock and the recording's end. */
    static TraceMetadata atStop(BpfCounters counters, ClockSample stopClock, String stopReason, long durationNs) {
        Recording stop = new Recording(
                null, null, Instant.ofEpochSecond(0, stopClock.realtimeNs()).toString(), durationNs, stopReason, null);
        return TraceMetadata.EMPTY
                .withStop(new Clocks(null, stopClock.reading(), null), stop)
                .withCounters(counters.toMetadata(), counters.lostEvents());
    }

    /** A COUNTERS chunk. */
    static TraceMetadata counters(BpfCounters counters) {
        return TraceMetadata.EMPTY.withCounters(counters.toMetadata(), counters.lostEvents());
    }

    /** The footer metadata: what was known at start, the last counters, and what was known at stop. */
    static TraceMetadata footer(
            TraceMetadata start,
            TraceMetadata counters,
            TraceMetadata stop,
            Map<String, Long> rowsByEvent,
            long rows,
            long tornBytes) {
        TraceMetadata metadata = start;
        TraceMetadata last = stop != null ? stop : counters;
        if (last != null) {
            metadata = metadata.withCounters(last.bpfCounters(), last.lostEvents());
        }
        Recovery recovery;
        if (stop != null) {
            Recording begun = start.recording();
            Recording ended = stop.recording();
            metadata = metadata.withStop(
                    new Clocks(
                            start.clocks().start(),
                            stop.clocks().stop(),
                            start.clocks().other()),
                    new Recording(
                            begun.start(),
                            begun.requestedDurationNs(),
                            ended.stop(),
                            ended.durationNs(),
                            ended.stopReason(),
                            begun.other()));
            recovery = new Recovery(false, null, null, null);
        } else {
            recovery = new Recovery(
                    true,
                    List.of(
                            "the recorder did not stop cleanly; this trace was rebuilt from its journal",
                            "BPF counters (lost, sampled) are as of the last checkpoint before the interruption"),
                    tornBytes,
                    null);
        }
        return metadata.withRows(new LinkedHashMap<>(rowsByEvent), rows, recovery);
    }
}
