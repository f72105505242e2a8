package org.tcprec.format.metadata;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The footer's {@code tcprec.metadata} object (format-spec/README.md, "Footer metadata"), one
 * record per object, keys in snake case of the component names, in the order writers put them.
 *
 * <p>Reading is lenient the way the specification asks: a key that is missing, null or of
 * another type than documented reads as null. A nested object that is absent reads as its
 * {@code EMPTY} record (every key null), so a reader can walk {@code host().uname().release()}
 * without checks; such an empty object is not written back. Keys this version does not know
 * (a newer minor version's) are kept in each record's {@code other}, in their JSON form, and
 * written back after the known ones.
 */
public record TraceMetadata(
        String formatVersion,
        Tool tool,
        List<String> commandLine,
        Host host,
        Clock clock,
        Clocks clocks,
        Recording recording,
        Tracepoints tracepoints,
        Btf btf,
        Map<String, String> sysctls,
        JsonNode sysctlsNetns,
        Filters filters,
        Sampling sampling,
        Ring ring,
        BpfCounters bpfCounters,
        LostEvents lostEvents,
        Map<String, Long> events,
        Long rows,
        Recovery recovery,
        Lifetimes lifetimes,
        Scrub scrub,
        List<Unknown> unknown,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    public static final TraceMetadata EMPTY = new TraceMetadata(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);

    public TraceMetadata {
        tool = tool == null ? Tool.EMPTY : tool;
        host = host == null ? Host.EMPTY : host;
        clock = clock == null ? Clock.EMPTY : clock;
        clocks = clocks == null ? Clocks.EMPTY : clocks;
        recording = recording == null ? Recording.EMPTY : recording;
        tracepoints = tracepoints == null ? Tracepoints.EMPTY : tracepoints;
        btf = btf == null ? Btf.EMPTY : btf;
        filters = filters == null ? Filters.EMPTY : filters;
        sampling = sampling == null ? Sampling.EMPTY : sampling;
        ring = ring == null ? Ring.EMPTY : ring;
        bpfCounters = bpfCounters == null ? BpfCounters.EMPTY : bpfCounters;
        lostEvents = lostEvents == null ? LostEvents.EMPTY : lostEvents;
        recovery = recovery == null ? Recovery.EMPTY : recovery;
        lifetimes = lifetimes == null ? Lifetimes.EMPTY : lifetimes;
        scrub = scrub == null ? Scrub.EMPTY : scrub;
        other = OtherKeys.of(other);
    }

    /** A copy with these counters (a checkpoint's or the stop's). */
    public TraceMetadata withCounters(BpfCounters counters, LostEvents lost) {
        return new TraceMetadata(
                formatVersion,
                tool,
                commandLine,
                host,
                clock,
                clocks,
                recording,
                tracepoints,
                btf,
                sysctls,
                sysctlsNetns,
                filters,
                sampling,
                ring,
                counters,
                lost,
                events,
                rows,
                recovery,
                lifetimes,
                scrub,
                unknown,
                other);
    }

    /** A copy with what is known once the recording has stopped. */
    public TraceMetadata withStop(Clocks clocks, Recording recording) {
        return new TraceMetadata(
                formatVersion,
                tool,
                commandLine,
                host,
                clock,
                clocks,
                recording,
                tracepoints,
                btf,
                sysctls,
                sysctlsNetns,
                filters,
                sampling,
                ring,
                bpfCounters,
                lostEvents,
                events,
                rows,
                recovery,
                lifetimes,
                scrub,
                unknown,
                other);
    }

    /** A copy with the rows the file holds, per event and in all, and how the recording ended. */
    public TraceMetadata withRows(Map<String, Long> events, long rows, Recovery recovery) {
        return new TraceMetadata(
                formatVersion,
                tool,
                commandLine,
                host,
                clock,
                clocks,
                this.recording,
                tracepoints,
                btf,
                sysctls,
                sysctlsNetns,
                filters,
                sampling,
                ring,
                bpfCounters,
                lostEvents,
                events,
                rows,
                recovery,
                lifetimes,
                scrub,
                unknown,
                other);
    }

    /** A scrubbed copy: written in this format version, with what scrubbing did. */
    public TraceMetadata scrubbed(String formatVersion, Scrub scrub) {
        return new TraceMetadata(
                formatVersion,
                tool,
                commandLine,
                host,
                clock,
                clocks,
                recording,
                tracepoints,
                btf,
                sysctls,
                sysctlsNetns,
                filters,
                sampling,
                ring,
                bpfCounters,
                lostEvents,
                events,
                rows,
                recovery,
                lifetimes,
                scrub,
                unknown,
                other);
    }

    /** A copy with what the trace writer counted in the rows. */
    public TraceMetadata withLifetimes(Lifetimes lifetimes) {
        return new TraceMetadata(
                formatVersion,
                tool,
                commandLine,
                host,
                clock,
                clocks,
                recording,
                tracepoints,
                btf,
                sysctls,
                sysctlsNetns,
                filters,
                sampling,
                ring,
                bpfCounters,
                lostEvents,
                events,
                rows,
                recovery,
                lifetimes,
                scrub,
                unknown,
                other);
    }

    /** lost_events.total; 0 when the trace does not say. */
    public long lostEventCount() {
        return lostEvents.total() == null ? 0 : lostEvents.total();
    }

    /** recovery.recovered: rebuilt from the journal of an interrupted recording. */
    public boolean recovered() {
        return Boolean.TRUE.equals(recovery.recovered());
    }

    public List<String> missingTracepoints() {
        return tracepoints.missing() == null ? List.of() : tracepoints.missing();
    }

    /** The recording host's UTC offset; 0 (UTC) when absent or beyond any zone's (18 hours). */
    public int utcOffsetSeconds() {
        Long offset = host.utcOffsetSeconds();
        return offset != null && Math.abs(offset) <= ZoneOffset.MAX.getTotalSeconds() ? offset.intValue() : 0;
    }

    /** clocks.start.realtime_ns; 0 when absent. */
    public long startRealtimeNs() {
        return clocks.start().realtimeNs() == null ? 0 : clocks.start().realtimeNs();
    }

    /** clocks.start.boottime_ns; 0 when absent. */
    public long startBoottimeNs() {
        return clocks.start().boottimeNs() == null ? 0 : clocks.start().boottimeNs();
    }

    /**
     * When the recording ended (UTC ns): the stop clock, else start plus duration; null when
     * neither is known (a recovered trace).
     */
    public Long endRealtimeNs() {
        if (clocks.stop().realtimeNs() != null) {
            return clocks.stop().realtimeNs();
        }
        Long duration = recording.durationNs();
        return duration == null || startRealtimeNs() == 0 ? null : startRealtimeNs() + duration;
    }

    /** The tcp_probe sampling interval, or 0 when every probe was recorded. */
    public long probeIntervalNs() {
        Long interval = sampling.tcpProbe().intervalNs();
        return interval == null ? 0 : interval;
    }

    /** Each feature the recording kernel lacked, as "FEATURE (since Linux X): EFFECT". */
    public List<String> unknowns() {
        if (unknown == null) {
            return List.of();
        }
        return unknown.stream()
                .filter(u -> u != null)
                .map(u -> u.feature() + " (" + u.since() + "): " + u.effect())
                .toList();
    }

    /** The recorder that wrote the trace. */
    public record Tool(
            String name,
            String version,
            String java,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Tool EMPTY = new Tool(null, null, null, null);

        public Tool {
            other = OtherKeys.of(other);
        }
    }

    public record Host(
            String hostname,
            String bootId,
            Uname uname,
            Cpus cpus,
            Long pageSize,
            String timezone,
            Long utcOffsetSeconds,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Host EMPTY = new Host(null, null, null, null, null, null, null, null);

        public Host {
            uname = uname == null ? Uname.EMPTY : uname;
            cpus = cpus == null ? Cpus.EMPTY : cpus;
            other = OtherKeys.of(other);
        }

        /** A copy with another name and boot id (scrubbing), and without keys this version does not know. */
        public Host withIdentity(String hostname, String bootId) {
            return new Host(hostname, bootId, uname, cpus, pageSize, timezone, utcOffsetSeconds, null);
        }
    }

    /** uname(2). */
    public record Uname(
            String sysname,
            String release,
            String version,
            String machine,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Uname EMPTY = new Uname(null, null, null, null, null);

        public Uname {
            other = OtherKeys.of(other);
        }
    }

    /** The online CPU list text, the count of possible CPUs (the per-CPU arrays' size), the recorder's own count. */
    public record Cpus(
            String online,
            Long possible,
            Long availableToRecorder,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Cpus EMPTY = new Cpus(null, null, null, null);

        public Cpus {
            other = OtherKeys.of(other);
        }
    }

    /** The clock the events were timed with, and the constant that makes their wall-clock time. */
    public record Clock(
            String eventClock,
            String source,
            String timeColumn,
            Long realtimeMinusBoottimeNs,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Clock EMPTY = new Clock(null, null, null, null, null);

        public Clock {
            other = OtherKeys.of(other);
        }
    }

    /** The three clocks read back to back at start and at stop. */
    public record Clocks(
            ClockReading start,
            ClockReading stop,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Clocks EMPTY = new Clocks(null, null, null);

        public Clocks {
            start = start == null ? ClockReading.EMPTY : start;
            stop = stop == null ? ClockReading.EMPTY : stop;
            other = OtherKeys.of(other);
        }
    }

    public record ClockReading(
            Long realtimeNs,
            Long monotonicNs,
            Long boottimeNs,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final ClockReading EMPTY = new ClockReading(null, null, null, null);

        public ClockReading {
            other = OtherKeys.of(other);
        }
    }

    /** Start and stop as ISO-8601 UTC text; requestedDurationNs is null when none was asked for. */
    public record Recording(
            String start,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long requestedDurationNs,
            String stop,
            Long durationNs,
            String stopReason,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Recording EMPTY = new Recording(null, null, null, null, null, null);

        public Recording {
            other = OtherKeys.of(other);
        }
    }

    /** Tracepoints as category:name; formats maps each present one to its tracefs format text. */
    public record Tracepoints(
            List<String> attached,
            List<String> missing,
            Map<String, String> formats,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Tracepoints EMPTY = new Tracepoints(null, null, null, null);

        public Tracepoints {
            other = OtherKeys.of(other);
        }
    }

    /** The kernel's BTF and the layouts the programs were relocated against; error instead when it was unreadable. */
    public record Btf(
            String source,
            Long bytes,
            String sha256,
            Map<String, StructLayout> tracepoints,
            Map<String, StructLayout> structs,
            String error,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Btf EMPTY = new Btf(null, null, null, null, null, null, null);

        public Btf {
            other = OtherKeys.of(other);
        }
    }

    public record StructLayout(
            String struct,
            Long size,
            Map<String, FieldLayout> fields,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public StructLayout {
            other = OtherKeys.of(other);
        }
    }

    /** Bytes. */
    public record FieldLayout(
            Long offset,
            Long size,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public FieldLayout {
            other = OtherKeys.of(other);
        }
    }

    /** The filters in force; null or empty: not filtered. */
    public record Filters(
            @JsonInclude(JsonInclude.Include.ALWAYS) Long pid,
            @JsonInclude(JsonInclude.Include.ALWAYS) String family,
            List<Integer> localPorts,
            List<Integer> remotePorts,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long netns,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long cgroupId,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Filters EMPTY = new Filters(null, null, null, null, null, null, null);

        public Filters {
            other = OtherKeys.of(other);
        }

        /** The filters in force, by key in the order written: those null or empty are not. */
        public Map<String, Object> inForce() {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("pid", pid);
            all.put("family", family);
            all.put("local_ports", localPorts);
            all.put("remote_ports", remotePorts);
            all.put("netns", netns);
            all.put("cgroup_id", cgroupId);
            all.putAll(other);
            Map<String, Object> set = new LinkedHashMap<>();
            all.forEach((key, value) -> {
                if (!(value == null
                        || value instanceof JsonNode n && n.isNull()
                        || value instanceof List<?> l && l.isEmpty()
                        || value instanceof JsonNode n2 && n2.isArray() && n2.isEmpty())) {
                    set.put(key, value);
                }
            });
            return set;
        }
    }

    public record Sampling(
            ProbeSampling tcpProbe,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Sampling EMPTY = new Sampling(null, null);

        public Sampling {
            tcpProbe = tcpProbe == null ? ProbeSampling.EMPTY : tcpProbe;
            other = OtherKeys.of(other);
        }
    }

    /** mode "all", or "per_socket_interval" with the interval. */
    public record ProbeSampling(
            String mode,
            Long intervalNs,
            String description,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final ProbeSampling EMPTY = new ProbeSampling(null, null, null, null);

        public ProbeSampling {
            other = OtherKeys.of(other);
        }
    }

    /** The BPF ring buffer's size, the fill level at which BPF wakes the reader, one wire record's size. */
    public record Ring(
            Long bytes,
            Long wakeupBytes,
            Long recordBytes,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Ring EMPTY = new Ring(null, null, null, null);

        public Ring {
            other = OtherKeys.of(other);
        }
    }

    /** Counted in BPF, summed over CPUs, by event. */
    public record BpfCounters(
            Map<String, Long> emitted,
            Map<String, Long> sampledOut,
            Map<String, Long> filtered,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final BpfCounters EMPTY = new BpfCounters(null, null, null, null);

        public BpfCounters {
            other = OtherKeys.of(other);
        }
    }

    /** Events that fired and are not in the trace. */
    public record LostEvents(
            Long total,
            Map<String, Long> byType,
            Long ringFull,
            List<Long> byCpu,
            Map<String, List<Long>> byCpuAndType,
            SkippedByKernel skippedByKernel,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final LostEvents EMPTY = new LostEvents(null, null, null, null, null, null, null);

        public LostEvents {
            skippedByKernel = skippedByKernel == null ? SkippedByKernel.EMPTY : skippedByKernel;
            other = OtherKeys.of(other);
        }
    }

    /** Events whose program the kernel did not run (recursion_misses); total absent: not counted (before 5.12). */
    public record SkippedByKernel(
            Long total,
            Map<String, Long> byType,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final SkippedByKernel EMPTY = new SkippedByKernel(null, null, null);

        public SkippedByKernel {
            other = OtherKeys.of(other);
        }
    }

    /** recovered, and for a recovered trace why and how many bytes of the journal's tail were torn. */
    public record Recovery(
            Boolean recovered,
            List<String> notes,
            Long tornTailBytes,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Recovery EMPTY = new Recovery(null, null, null, null);

        public Recovery {
            other = OtherKeys.of(other);
        }
    }

    /** A kernel feature the recorder worked without, and what its absence leaves unknown. */
    public record Unknown(
            String feature,
            String since,
            String effect,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public Unknown {
            other = OtherKeys.of(other);
        }
    }

    /** What the trace writer derived from the rows. */
    public record Lifetimes(
            Long broken, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Lifetimes EMPTY = new Lifetimes(null, null);

        public Lifetimes {
            other = OtherKeys.of(other);
        }
    }

    /** What `tcprec scrub` replaced and how; previous is the record of an earlier scrub of the same data. */
    public record Scrub(
            Boolean scrubbed,
            Long methodVersion,
            String sourceFormatVersion,
            String addresses,
            List<String> keptRanges,
            String ports,
            String comm,
            String kernelAddresses,
            String sockCookie,
            String keptColumns,
            List<String> replacedMetadata,
            List<String> droppedMetadata,
            List<String> droppedColumns,
            String key,
            String keyFingerprint,
            Scrub previous,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
        public static final Scrub EMPTY = new Scrub(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

        public Scrub {
            other = OtherKeys.of(other);
        }
    }
}
