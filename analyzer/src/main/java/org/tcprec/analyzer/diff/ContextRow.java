package org.tcprec.analyzer.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.tcprec.analyzer.trace.TraceMeta;
import org.tcprec.format.Json;
import org.tcprec.format.TraceFooter;

/** One fact about the recordings, side by side: what differs explains what the metrics show. */
record ContextRow(String name, String before, String after) {
    /** A fact a trace does not state (a key missing or null in its metadata) shows as "-". */
    ContextRow {
        before = before == null ? "-" : before;
        after = after == null ? "-" : after;
    }

    boolean differs() {
        return !Objects.equals(before, after);
    }

    static List<ContextRow> compare(Measurement before, Measurement after) {
        List<ContextRow> rows = new ArrayList<>();
        TraceFooter a = before.footer;
        TraceFooter b = after.footer;
        rows.add(new ContextRow("file", a.path().toString(), b.path().toString()));
        rows.add(row("format version", a, b, f -> f.formatVersion()));
        rows.add(row("host", a, b, f -> new TraceMeta(f).hostname()));
        rows.add(row("kernel release", a, b, f -> new TraceMeta(f).kernelRelease()));
        rows.add(row("kernel version", a, b, f -> new TraceMeta(f).kernelVersion()));
        rows.add(row("machine", a, b, f -> new TraceMeta(f).machine()));
        rows.add(row("boot id", a, b, f -> new TraceMeta(f).bootId()));
        rows.add(row("cpus online", a, b, f -> cpus(str(path(f.metadata(), "host", "cpus", "online")))));
        rows.add(row("start (UTC)", a, b, f -> str(path(f.metadata(), "recording", "start"))));
        rows.add(new ContextRow("duration", seconds(before), seconds(after)));
        rows.add(row("events", a, b, f -> String.valueOf(f.rows())));
        rows.add(row("lost events", a, b, f -> String.valueOf(new TraceMeta(f).lostEvents())));
        rows.add(row("tracepoints attached", a, b, f -> count(path(f.metadata(), "tracepoints", "attached"))));
        rows.add(new ContextRow("tracepoints in one only", onlyIn(a, b), onlyIn(b, a)));
        rows.add(row("tracepoints missing", a, b, f -> list(path(f.metadata(), "tracepoints", "missing"))));
        rows.add(row("tcp_probe sampling", a, b, f -> sampling(f)));
        rows.add(row("filters", a, b, f -> filters(f)));
        rows.add(row("recovered after a kill", a, b, f -> String.valueOf(new TraceMeta(f).recovered())));
        Map<?, ?> sa = sysctls(a);
        Map<?, ?> sb = sysctls(b);
        String cc = "net.ipv4.tcp_congestion_control";
        rows.add(new ContextRow(cc, str(sa.get(cc)), str(sb.get(cc))));
        TreeSet<String> names = new TreeSet<>();
        sa.keySet().forEach(k -> names.add(String.valueOf(k)));
        sb.keySet().forEach(k -> names.add(String.valueOf(k)));
        int same = 0;
        for (String name : names) {
            if (name.equals(cc)) {
                continue;
            }
            ContextRow r = new ContextRow(name, str(sa.get(name)), str(sb.get(name)));
            if (r.differs()) {
                rows.add(r);
            } else {
                same++;
            }
        }
        rows.add(new ContextRow("other TCP sysctls", same + " equal", same + " equal"));
        return rows;
    }

    private interface Fact {
        String of(TraceFooter f);
    }

    private static ContextRow row(String name, TraceFooter a, TraceFooter b, Fact fact) {
        return new ContextRow(name, fact.of(a), fact.of(b));
    }

    private static String seconds(Measurement m) {
        return String.format(java.util.Locale.ROOT, "%.3f s%s", m.seconds, m.durationFromEvents ? " (from events)" : "");
    }

    static Object path(Map<String, Object> root, String... keys) {
        Object v = root;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(k);
        }
        return v;
    }

    private static Map<?, ?> sysctls(TraceFooter f) {
        return f.metadata().get("sysctls") instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String str(Object v) {
        return v == null ? "-" : String.valueOf(v);
    }

    private static String list(Object v) {
        if (!(v instanceof List<?> l) || l.isEmpty()) {
            return "-";
        }
        List<String> names = new ArrayList<>();
        l.forEach(x -> names.add(String.valueOf(x)));
        return String.join(" ", names);
    }

    private static String count(Object v) {
        return v instanceof List<?> l ? String.valueOf(l.size()) : "-";
    }

    /** The tracepoints attached in one recording and not the other: a kernel difference. */
    private static String onlyIn(TraceFooter one, TraceFooter other) {
        List<String> names = new ArrayList<>();
        if (path(one.metadata(), "tracepoints", "attached") instanceof List<?> l) {
            Object theirs = path(other.metadata(), "tracepoints", "attached");
            for (Object x : l) {
                if (!(theirs instanceof List<?> t && t.contains(x))) {
                    names.add(String.valueOf(x));
                }
            }
        }
        return names.isEmpty() ? "-" : String.join(" ", names);
    }

    /** "0-3,8" -> "5": the count is what compares. */
    static String cpus(String online) {
        if (online == null || online.equals("-")) {
            return "-";
        }
        int count = 0;
        try {
            for (String range : online.split(",")) {
                String[] ends = range.trim().split("-");
                count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
            }
        } catch (NumberFormatException e) {
            return online;
        }
        return String.valueOf(count);
    }

    private static String sampling(TraceFooter f) {
        long interval = new TraceMeta(f).probeIntervalNs();
        return interval > 0 ? "1 per socket per " + Numbers.format(interval / 1e6) + " ms" : "all";
    }

    private static String filters(TraceFooter f) {
        if (!(f.metadata().get("filters") instanceof Map<?, ?> m)) {
            return "-";
        }
        List<String> set = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object v = e.getValue();
            if (v != null && !(v instanceof List<?> l && l.isEmpty())) {
                // the namespace inode is per boot: whether one was filtered is what compares
                set.add(e.getKey() + (e.getKey().equals("netns") ? "" : "=" + Json.writeCompact(v)));
            }
        }
        return set.isEmpty() ? "none" : String.join(" ", set);
    }
}
