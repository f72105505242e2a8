package org.tcprec.analyzer.trace;

import java.util.List;
import java.util.Map;
import org.tcprec.format.TraceFooter;

/** Typed access to the footer metadata the analyzer uses (format-spec/README.md). */
public record TraceMeta(TraceFooter footer) {
    public String hostname() {
        return str(map(footer.metadata().get("host")).get("hostname"));
    }

    public String bootId() {
        return str(map(footer.metadata().get("host")).get("boot_id"));
    }

    private Map<String, Object> uname() {
        return map(map(footer.metadata().get("host")).get("uname"));
    }

    public String kernelRelease() {
        return str(uname().get("release"));
    }

    public String kernelVersion() {
        return str(uname().get("version"));
    }

    public String machine() {
        return str(uname().get("machine"));
    }

    /** The recording host's UTC offset; 0 (UTC) when absent or beyond any zone's (±18 h). */
    public int utcOffsetSeconds() {
        Object v = map(footer.metadata().get("host")).get("utc_offset_seconds");
        return v instanceof Number n && Math.abs(n.doubleValue()) <= java.time.ZoneOffset.MAX.getTotalSeconds()
                ? n.intValue() : 0;
    }

    public long lostEvents() {
        Object v = map(footer.metadata().get("lost_events")).get("total");
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** State changes that break their socket's lifetime; null when the writer did not count them (1.0, older 1.1). */
    public Long brokenLifetimes() {
        Object v = map(footer.metadata().get("lifetimes")).get("broken");
        return v instanceof Number n ? n.longValue() : null;
    }

    public boolean recovered() {
        return Boolean.TRUE.equals(map(footer.metadata().get("recovery")).get("recovered"));
    }

    /**
     * What the recording kernel could not tell (footer key {@code unknown}): for each feature it
     * lacked, "FEATURE (since Linux X): EFFECT". Empty for traces of kernels that lacked none, and
     * for traces written before the key existed.
     */
    public List<String> unknowns() {
        Object v = footer.metadata().get("unknown");
        if (!(v instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().map(TraceMeta::map).map(u -> str(u.get("feature")) + " (" + str(u.get("since")) + "): "
                + str(u.get("effect"))).toList();
    }

    public List<String> missingTracepoints() {
        Object v = map(footer.metadata().get("tracepoints")).get("missing");
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private Map<String, Object> startClock() {
        return map(map(footer.metadata().get("clocks")).get("start"));
    }

    public long startRealtimeNs() {
        Object v = startClock().get("realtime_ns");
        return v instanceof Number n ? n.longValue() : 0;
    }

    public long startBoottimeNs() {
        Object v = startClock().get("boottime_ns");
        return v instanceof Number n ? n.longValue() : 0;
    }

    public Long durationNs() {
        Object v = map(footer.metadata().get("recording")).get("duration_ns");
        return v instanceof Number n ? n.longValue() : null;
    }

    /**
     * When the recording ended (UTC ns): the stop clock, else start plus duration; null when
     * neither is known (a recovered trace).
     */
    public Long endRealtimeNs() {
        Object stop = map(map(footer.metadata().get("clocks")).get("stop")).get("realtime_ns");
        if (stop instanceof Number n) {
            return n.longValue();
        }
        Long duration = durationNs();
        return duration == null || startRealtimeNs() == 0 ? null : startRealtimeNs() + duration;
    }

    /** The tcp_probe sampling interval, or 0 when every probe was recorded. */
    public long probeIntervalNs() {
        Object v = map(map(footer.metadata().get("sampling")).get("tcp_probe")).get("interval_ns");
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** A metadata value that should be an object, as a map; empty when it is absent or not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
    }

    static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
