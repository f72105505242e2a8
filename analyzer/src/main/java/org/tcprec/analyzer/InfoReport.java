package org.tcprec.analyzer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.Host;
import org.tcprec.format.metadata.TraceMetadata.LostEvents;
import org.tcprec.format.metadata.TraceMetadata.ProbeSampling;
import org.tcprec.format.metadata.TraceMetadata.Recording;
import org.tcprec.format.metadata.TraceMetadata.Uname;

/** The human-readable form of a trace's footer. */
final class InfoReport {
    private final TraceFooter footer;
    private final TraceMetadata m;
    private final StringBuilder out = new StringBuilder();

    InfoReport(TraceFooter footer) {
        this.footer = footer;
        this.m = footer.metadata();
    }

    String render(boolean withFormats) {
        line(
                "file",
                footer.path() + " (" + footer.fileBytes() + " bytes, " + footer.rows() + " events, " + perEvent() + ", "
                        + footer.rowGroups() + " row groups)");
        line("format", "tcprec trace " + footer.formatVersion());
        line(
                "checksums",
                footer.checksums() == TraceChecksums.Result.VERIFIED
                        ? "verified (every page and the footer)"
                        : "none (written by a tcprec that stored no checksums): damage cannot be detected");
        line("recorded by", str(m.tool().name()) + " " + str(m.tool().version()));
        line("command", String.join(" ", strings(m.commandLine())));
        Host host = m.host();
        Uname uname = host.uname();
        line("host", str(host.hostname()) + ", boot id " + str(host.bootId()));
        line(
                "kernel",
                str(uname.sysname()) + " " + str(uname.release()) + " " + str(uname.version()) + " "
                        + str(uname.machine()));
        line(
                "cpus",
                "online " + str(host.cpus().online()) + ", possible "
                        + str(host.cpus().possible()) + "; page size " + str(host.pageSize()) + "; timezone "
                        + str(host.timezone()));
        Recording recording = m.recording();
        line("started", str(recording.start()));
        line(
                "stopped",
                str(recording.stop()) + " (" + seconds(recording.durationNs()) + ", by " + str(recording.stopReason())
                        + ")");
        if (m.recovered()) {
            line("recovered", "yes: rebuilt from the journal of an interrupted recording");
        }
        line(
                "event clock",
                str(m.clock().eventClock()) + "; time = " + str(m.clock().timeColumn()));
        line("attached", String.join(" ", strings(m.tracepoints().attached())));
        List<String> missing = strings(m.tracepoints().missing());
        line("missing", missing.isEmpty() ? "none" : String.join(" ", missing));
        line("filters", filters());
        ProbeSampling probe = m.sampling().tcpProbe();
        line(
                "tcp_probe",
                "all".equals(probe.mode())
                        ? "every event recorded"
                        : "at most one per socket per " + seconds(probe.intervalNs()));
        line(
                "ring buffer",
                str(m.ring().bytes()) + " bytes, wakeup at " + str(m.ring().wakeupBytes()) + " bytes");
        out.append("events:\n");
        Map<String, Long> sampled = orEmpty(m.bpfCounters().sampledOut());
        Map<String, Long> lostByType = orEmpty(m.lostEvents().byType());
        out.append(String.format(Locale.ROOT, "  %-24s %12s %12s %12s%n", "EVENT", "RECORDED", "LOST", "SAMPLED_OUT"));
        for (Map.Entry<String, Long> e : orEmpty(m.events()).entrySet()) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %-24s %12s %12s %12s%n",
                    e.getKey(),
                    str(e.getValue()),
                    str(lostByType.getOrDefault(e.getKey(), 0L)),
                    str(sampled.getOrDefault(e.getKey(), 0L))));
        }
        LostEvents lost = m.lostEvents();
        // a kernel that could not count its skips leaves the total out and says so (key unknown)
        boolean skipsUnknown =
                lost.skippedByKernel().total() == null && !m.unknowns().isEmpty();
        line(
                "lost events",
                (skipsUnknown ? "at least " : "")
                        + (lost.total() == null ? "unknown" : lost.total().toString()) + " (per CPU: "
                        + strings(lost.byCpu()) + (skipsUnknown ? "; events the kernel skipped: unknown" : "") + ")");
        for (String unknown : m.unknowns()) {
            line("unknown", unknown);
        }
        Long broken = m.lifetimes().broken();
        if (broken != null) {
            line("broken lifetimes", broken + " (state changes missing that no loss counter saw)");
        }
        Map<String, String> sysctls = orEmpty(m.sysctls());
        line(
                "congestion",
                str(sysctls.get("net.ipv4.tcp_congestion_control")) + " (" + sysctls.size()
                        + " TCP sysctls recorded; see --json)");
        if (withFormats) {
            for (Map.Entry<String, String> e :
                    orEmpty(m.tracepoints().formats()).entrySet()) {
                out.append("format of ").append(e.getKey()).append(":\n").append(str(e.getValue()));
            }
        }
        return out.toString();
    }

    private String perEvent() {
        return footer.rows() == 0
                ? "no events"
                : String.format(Locale.ROOT, "%.1f B/event", (double) footer.fileBytes() / footer.rows());
    }

    private String filters() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : m.filters().inForce().entrySet()) {
            s.append(s.length() > 0 ? ", " : "").append(e.getKey()).append('=').append(e.getValue());
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    /** One line; its value holds the trace's own text, escaped ({@link TerminalText}). */
    private void line(String key, String value) {
        out.append(String.format(Locale.ROOT, "%-12s %s%n", key + ":", TerminalText.escape(value)));
    }

    private static String seconds(Long ns) {
        if (ns == null) {
            return "unknown duration";
        }
        double s = ns / 1e9;
        return s >= 1 ? String.format(Locale.ROOT, "%.3f s", s) : String.format(Locale.ROOT, "%.3f ms", s * 1e3);
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    static List<String> strings(List<?> list) {
        return list == null ? List.of() : list.stream().map(String::valueOf).toList();
    }

    static String str(Object o) {
        return o == null ? "-" : String.valueOf(o);
    }
}
