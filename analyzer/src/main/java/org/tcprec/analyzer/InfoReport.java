package org.tcprec.analyzer;

import static org.tcprec.analyzer.trace.TraceMeta.map;

import java.util.List;
import java.util.Map;
import org.tcprec.analyzer.trace.TraceMeta;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceFooter;

/** The human-readable form of a trace's footer. */
final class InfoReport {
    private final TraceFooter footer;
    private final Map<String, Object> m;
    private final StringBuilder out = new StringBuilder();

    InfoReport(TraceFooter footer) {
        this.footer = footer;
        this.m = footer.metadata();
    }

    String render(boolean withFormats) {
        line("file", footer.path() + " (" + footer.fileBytes() + " bytes, " + footer.rows() + " events, "
                + perEvent() + ", " + footer.rowGroups() + " row groups)");
        line("format", "tcprec trace " + footer.formatVersion());
        line("checksums", footer.checksums() == TraceChecksums.Result.VERIFIED
                ? "verified (every page and the footer)"
                : "none (written by a tcprec that stored no checksums): damage cannot be detected");
        Map<String, Object> tool = map(m.get("tool"));
        line("recorded by", str(tool.get("name")) + " " + str(tool.get("version")));
        line("command", commandLine());
        Map<String, Object> host = map(m.get("host"));
        Map<String, Object> uname = map(host.get("uname"));
        line("host", str(host.get("hostname")) + ", boot id " + str(host.get("boot_id")));
        line("kernel", str(uname.get("sysname")) + " " + str(uname.get("release")) + " " + str(uname.get("version")) + " "
                + str(uname.get("machine")));
        Map<String, Object> cpus = map(host.get("cpus"));
        line("cpus", "online " + str(cpus.get("online")) + ", possible " + str(cpus.get("possible")) + "; page size "
                + str(host.get("page_size")) + "; timezone " + str(host.get("timezone")));
        Map<String, Object> recording = map(m.get("recording"));
        line("started", str(recording.get("start")));
        line("stopped", str(recording.get("stop")) + " (" + seconds(recording.get("duration_ns")) + ", by "
                + str(recording.get("stop_reason")) + ")");
        Map<String, Object> recovery = map(m.get("recovery"));
        if (Boolean.TRUE.equals(recovery.get("recovered"))) {
            line("recovered", "yes: rebuilt from the journal of an interrupted recording");
        }
        Map<String, Object> clock = map(m.get("clock"));
        line("event clock", str(clock.get("event_clock")) + "; time = " + str(clock.get("time_column")));
        Map<String, Object> tracepoints = map(m.get("tracepoints"));
        line("attached", String.join(" ", strings(tracepoints.get("attached"))));
        List<String> missing = strings(tracepoints.get("missing"));
        line("missing", missing.isEmpty() ? "none" : String.join(" ", missing));
        line("filters", filters());
        Map<String, Object> probe = map(map(m.get("sampling")).get("tcp_probe"));
        line("tcp_probe", "all".equals(probe.get("mode")) ? "every event recorded"
                : "at most one per socket per " + seconds(probe.get("interval_ns")));
        Map<String, Object> ring = map(m.get("ring"));
        line("ring buffer", str(ring.get("bytes")) + " bytes, wakeup at " + str(ring.get("wakeup_bytes")) + " bytes");
        out.append("events:\n");
        Map<String, Object> events = map(m.get("events"));
        Map<String, Object> counters = map(m.get("bpf_counters"));
        Map<String, Object> sampled = map(counters.get("sampled_out"));
        Map<String, Object> lostByType = map(map(m.get("lost_events")).get("by_type"));
        out.append(String.format("  %-24s %12s %12s %12s%n", "EVENT", "RECORDED", "LOST", "SAMPLED_OUT"));
        for (Map.Entry<String, Object> e : events.entrySet()) {
            out.append(String.format("  %-24s %12s %12s %12s%n", e.getKey(), str(e.getValue()),
                    str(lostByType.getOrDefault(e.getKey(), 0)), str(sampled.getOrDefault(e.getKey(), 0))));
        }
        Map<String, Object> lost = map(m.get("lost_events"));
        Map<String, Object> skipped = map(lost.get("skipped_by_kernel"));
        // a kernel that could not count its skips leaves the total out and says so (key unknown)
        boolean skipsUnknown = skipped.get("total") == null && !new TraceMeta(footer).unknowns().isEmpty();
        line("lost events", (skipsUnknown ? "at least " : "") + str(lost.getOrDefault("total", "unknown")) + " (per CPU: "
                + strings(lost.get("by_cpu")) + (skipsUnknown ? "; events the kernel skipped: unknown" : "") + ")");
        for (String unknown : new TraceMeta(footer).unknowns()) {
            line("unknown", unknown);
        }
        Long broken = new TraceMeta(footer).brokenLifetimes();
        if (broken != null) {
            line("broken lifetimes", broken + " (state changes missing that no loss counter saw)");
        }
        Map<String, Object> sysctls = map(m.get("sysctls"));
        line("congestion", str(sysctls.get("net.ipv4.tcp_congestion_control")) + " (" + sysctls.size()
                + " TCP sysctls recorded; see --json)");
        if (withFormats) {
            for (Map.Entry<String, Object> e : map(tracepoints.get("formats")).entrySet()) {
                out.append("format of ").append(e.getKey()).append(":\n").append(str(e.getValue()));
            }
        }
        return out.toString();
    }

    private String perEvent() {
        return footer.rows() == 0 ? "no events"
                : String.format("%.1f B/event", (double) footer.fileBytes() / footer.rows());
    }

    private String commandLine() {
        return String.join(" ", strings(m.get("command_line")));
    }

    private String filters() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : map(m.get("filters")).entrySet()) {
            Object v = e.getValue();
            if (v == null || (v instanceof List<?> l && l.isEmpty())) {
                continue;
            }
            s.append(s.length() > 0 ? ", " : "").append(e.getKey()).append('=').append(v);
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    /** One line; its value holds the trace's own text, escaped ({@link TerminalText}). */
    private void line(String key, String value) {
        out.append(String.format("%-12s %s%n", key + ":", TerminalText.escape(value)));
    }

    private static String seconds(Object ns) {
        if (!(ns instanceof Number n)) {
            return "unknown duration";
        }
        double s = n.doubleValue() / 1e9;
        return s >= 1 ? String.format("%.3f s", s) : String.format("%.3f ms", s * 1e3);
    }


    static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().map(String::valueOf).toList();
    }

    static String str(Object o) {
        return o == null ? "-" : String.valueOf(o);
    }
}
