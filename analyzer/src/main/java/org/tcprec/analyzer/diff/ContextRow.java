package org.tcprec.analyzer.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

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
        // The footer key, which decides how the file is read, not the copy inside the metadata.
        rows.add(new ContextRow("format version", a.formatVersion(), b.formatVersion()));
        rows.add(row("host", a, b, m -> m.host().hostname()));
        rows.add(row("kernel release", a, b, m -> m.host().uname().release()));
        rows.add(row("kernel version", a, b, m -> m.host().uname().version()));
        rows.add(row("machine", a, b, m -> m.host().uname().machine()));
        rows.add(row("boot id", a, b, m -> m.host().bootId()));
        rows.add(row("cpus online", a, b, m -> cpus(str(m.host().cpus().online()))));
        rows.add(row("start (UTC)", a, b, m -> str(m.recording().start())));
        rows.add(new ContextRow("duration", seconds(before), seconds(after)));
        rows.add(new ContextRow("events", String.valueOf(a.rows()), String.valueOf(b.rows())));
        rows.add(row("lost events", a, b, m -> String.valueOf(m.lostEventCount())));
        rows.add(row("tracepoints attached", a, b, m -> count(m.tracepoints().attached())));
        rows.add(new ContextRow(
                "tracepoints in one only", onlyIn(a.metadata(), b.metadata()), onlyIn(b.metadata(), a.metadata())));
        rows.add(row("tracepoints missing", a, b, m -> list(m.tracepoints().missing())));
        rows.add(row("tcp_probe sampling", a, b, ContextRow::sampling));
        rows.add(row("filters", a, b, ContextRow::filters));
        rows.add(row("recovered after a kill", a, b, m -> String.valueOf(m.recovered())));
        Map<String, String> sa = sysctls(a.metadata());
        Map<String, String> sb = sysctls(b.metadata());
        String cc = "net.ipv4.tcp_congestion_control";
        rows.add(new ContextRow(cc, str(sa.get(cc)), str(sb.get(cc))));
        TreeSet<String> names = new TreeSet<>();
        names.addAll(sa.keySet());
        names.addAll(sb.keySet());
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
        String of(TraceMetadata m);
    }

    private static ContextRow row(String name, TraceFooter a, TraceFooter b, Fact fact) {
        return new ContextRow(name, fact.of(a.metadata()), fact.of(b.metadata()));
    }

    private static String seconds(Measurement m) {
        return String.format(Locale.ROOT, "%.3f s%s", m.seconds, m.durationFromEvents ? " (from events)" : "");
    }

    private static Map<String, String> sysctls(TraceMetadata m) {
        return m.sysctls() == null ? Map.of() : m.sysctls();
    }

    private static String str(Object v) {
        return v == null ? "-" : String.valueOf(v);
    }

    private static String list(List<String> names) {
        if (names == null || names.isEmpty()) {
            return "-";
        }
        List<String> shown = new ArrayList<>();
        names.forEach(x -> shown.add(String.valueOf(x)));
        return String.join(" ", shown);
    }

    private static String count(List<String> names) {
        return names == null ? "-" : String.valueOf(names.size());
    }

    /** The tracepoints attached in one recording and not the other: a kernel difference. */
    private static String onlyIn(TraceMetadata one, TraceMetadata other) {
        List<String> names = new ArrayList<>();
        if (one.tracepoints().attached() != null) {
            List<String> theirs = other.tracepoints().attached();
            for (String x : one.tracepoints().attached()) {
                if (theirs == null || !theirs.contains(x)) {
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

    private static String sampling(TraceMetadata m) {
        long interval = m.probeIntervalNs();
        return interval > 0 ? "1 per socket per " + Numbers.format(interval / 1e6) + " ms" : "all";
    }

    private static String filters(TraceMetadata m) {
        if (JsonCodec.absent(m.filters())) {
            return "-";
        }
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Object> e : m.filters().inForce().entrySet()) {
            // the namespace inode is per boot: whether one was filtered is what compares
            set.add(e.getKey() + (e.getKey().equals("netns") ? "" : "=" + JsonCodec.writeCompact(e.getValue())));
        }
        return set.isEmpty() ? "none" : String.join(" ", set);
    }
}
