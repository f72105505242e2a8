package org.tcprec.analyzer.diff;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.format.metadata.JsonCodec;

/** Prints a diff as aligned text, Markdown or JSON; the same facts in each. */
final class DiffRenderer {
    private final DiffResult result;
    private final PrintWriter out;

    DiffRenderer(DiffResult result, PrintWriter out) {
        this.result = result;
        this.out = out;
    }

    private String floorText() {
        NoiseFloor f = result.floor();
        String alpha = new BigDecimal(1 - f.confidence())
                .round(new MathContext(3))
                .stripTrailingZeros()
                .toPlainString();
        return String.format(
                Locale.ROOT,
                "q below %s, i.e. %s%% confidence, and a change of at least %s%% " + "(and %s ms for times)",
                alpha,
                Numbers.format(f.confidence() * 100),
                Numbers.format(f.minRelative() * 100),
                Numbers.format(f.minTimeNs() / 1e6));
    }

    void text() {
        List<String[]> context = new ArrayList<>();
        context.add(new String[] {"", "CONTEXT", "BEFORE", "AFTER"});
        for (ContextRow r : result.context()) {
            context.add(new String[] {
                r.differs() && !r.name().equals("file") ? "*" : "", cell(r.name()), cell(r.before()), cell(r.after())
            });
        }
        table(context, false);
        out.println();
        out.println("METRICS: after vs before; * = beyond noise (" + floorText() + ")");
        metricsTable(result.metrics(), null);
        if (result.by() != null) {
            out.println();
            out.println("BY " + result.by().toUpperCase(Locale.ROOT) + ": "
                    + result.groups().size() + " groups, biggest change beyond noise first");
            for (DiffResult.Group g : result.groups()) {
                out.println();
                out.printf(
                        Locale.ROOT,
                        "%s = %s (%d vs %d connections)%n",
                        result.by(),
                        cell(g.key()),
                        g.connectionsBefore(),
                        g.connectionsAfter());
                metricsTable(g.changes(), g);
            }
        }
        if (!result.thresholds().isEmpty()) {
            out.println();
            out.println("FAIL-ON");
            for (Threshold t : result.thresholds()) {
                out.println("  " + t.text() + ": " + result.thresholdStatus(t));
            }
        }
        out.println();
        methods().forEach(line -> out.println(line));
        out.flush();
    }

    private void metricsTable(List<Change> changes, DiffResult.Group group) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "METRIC", "UNIT", "BEFORE", "AFTER", "CHANGE", "TEST"});
        for (Change c : changes) {
            if (group != null
                    && c.before().n() == 0
                    && c.after().n() == 0
                    && !(c.before() instanceof Observation.Rate)) {
                continue;
            }
            rows.add(new String[] {
                c.significant() ? "*" : "",
                c.spec().name(),
                c.spec().unit(),
                Numbers.format(c.before().value()),
                Numbers.format(c.after().value()),
                Numbers.relative(c.relative(), c.before().value(), c.after().value()),
                c.test()
            });
        }
        table(rows, true);
    }

    /** Left-aligned text columns, right-aligned numbers; the last column is not padded. */
    private void table(List<String[]> rows, boolean alignNumbers) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                boolean last = i == columns - 1;
                boolean number = alignNumbers && r > 0 && isNumber(row[i]);
                String cell = last ? row[i] : number ? pad(row[i], width[i], true) : pad(row[i], width[i], false);
                line.append(cell);
                if (!last) {
                    line.append(i == 0 ? " " : "  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static boolean isNumber(String s) {
        return s.matches("[-+x]?[0-9.]+%?|new|gone|-");
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    private List<String> methods() {
        List<String> lines = new ArrayList<>();
        lines.add("How changes are judged:");
        lines.add(
                "  rates (/s, /conn, /MB): the two counts compared as Poisson rates over their exposure (seconds of "
                        + "recording, connections, MB acked); exact binomial test up to 2000 events, normal approximation above.");
        lines.add("  quantiles: bootstrap interval and p-value of the difference (resamples of each side in blocks of "
                + "sqrt(n) neighbours in time, at most " + Measurement.SAMPLE_LIMIT + " values per side, seeded; "
                + "at least " + Statistics.MIN_RESAMPLES + ", and enough for the smallest p-value to pass the "
                + "correction below); tested only with ten values beyond the quantile (p99: 1000 a side).");
        lines.add(
                "  per-connection values: srtt and cwnd are each connection's median over its tcp_probe samples taken with data in flight; "
                        + "maxima have no test.");
        lines.add("  the tests of one table are judged together: q is the p-value adjusted by Benjamini-Hochberg over "
                + "that table's tests, so that where nothing changed the chance of marking anything stays at "
                + "1 - confidence, however many metrics are tested.");
        lines.add("  beyond noise = " + floorText() + ".");
        return lines;
    }

    void markdown() {
        out.println("## tcprec diff");
        out.println();
        out.println("| | before | after |");
        out.println("|---|---|---|");
        for (ContextRow r : result.context()) {
            boolean differs = r.differs() && !r.name().equals("file");
            out.println("| " + (differs ? "**" + md(r.name()) + "**" : md(r.name())) + " | " + md(r.before()) + " | "
                    + md(r.after()) + " |");
        }
        out.println();
        out.println("### Metrics");
        out.println();
        out.println("Bold: beyond noise (" + floorText() + ").");
        markdownMetrics(result.metrics());
        if (result.by() != null) {
            for (DiffResult.Group g : result.groups()) {
                out.println();
                out.printf(
                        Locale.ROOT,
                        "### %s = %s (%d vs %d connections)%n",
                        md(result.by()),
                        md(g.key()),
                        g.connectionsBefore(),
                        g.connectionsAfter());
                markdownMetrics(g.changes());
            }
        }
        if (!result.thresholds().isEmpty()) {
            out.println();
            out.println("### Fail-on");
            out.println();
            for (Threshold t : result.thresholds()) {
                out.println("- `" + t.text() + "`: " + result.thresholdStatus(t));
            }
        }
        out.println();
        methods().forEach(line -> out.println(line.startsWith("  ") ? "- " + line.trim() : line));
        out.flush();
    }

    private void markdownMetrics(List<Change> changes) {
        out.println();
        out.println("| metric | unit | before | after | change | test |");
        out.println("|---|---|--:|--:|--:|---|");
        for (Change c : changes) {
            String name =
                    c.significant() ? "**" + c.spec().name() + "**" : c.spec().name();
            out.println("| " + name + " | " + md(c.spec().unit()) + " | "
                    + Numbers.format(c.before().value()) + " | "
                    + Numbers.format(c.after().value()) + " | "
                    + Numbers.relative(
                            c.relative(), c.before().value(), c.after().value()) + " | " + md(c.test()) + " |");
        }
    }

    /** Text from a trace in a table cell: escaped ({@link TerminalText}); "-" for a value the trace lacks. */
    private static String cell(String s) {
        return s == null ? "-" : TerminalText.escape(s);
    }

    /** Text from a trace in a Markdown table cell: escaped for the terminal, then for Markdown. */
    private static String md(String s) {
        return cell(s).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    void json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        List<Object> context = new ArrayList<>();
        for (ContextRow r : result.context()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("before", r.before());
            row.put("after", r.after());
            row.put("differs", r.differs());
            context.add(row);
        }
        doc.put("context", context);
        doc.put(
                "noise_floor",
                Map.of(
                        "confidence",
                        result.floor().confidence(),
                        "min_relative_change",
                        result.floor().minRelative(),
                        "min_time_change_ns",
                        result.floor().minTimeNs()));
        doc.put("metrics", jsonMetrics(result.metrics()));
        if (result.by() != null) {
            List<Object> groups = new ArrayList<>();
            for (DiffResult.Group g : result.groups()) {
                Map<String, Object> group = new LinkedHashMap<>();
                group.put(result.by(), g.key());
                group.put("connections_before", g.connectionsBefore());
                group.put("connections_after", g.connectionsAfter());
                group.put("metrics", jsonMetrics(g.changes()));
                groups.add(group);
            }
            doc.put("by", result.by());
            doc.put("groups", groups);
        }
        List<Object> thresholds = new ArrayList<>();
        for (Threshold t : result.thresholds()) {
            thresholds.add(Map.of("condition", t.text(), "status", result.thresholdStatus(t)));
        }
        doc.put("fail_on", thresholds);
        doc.put("failed", !result.fired().isEmpty());
        out.println(JsonCodec.write(doc));
        out.flush();
    }

    private static List<Object> jsonMetrics(List<Change> changes) {
        List<Object> out = new ArrayList<>();
        for (Change c : changes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.spec().name());
            m.put("unit", c.spec().unit());
            m.put("before", finite(c.before().value()));
            m.put("after", finite(c.after().value()));
            m.put("n_before", c.before().n());
            m.put("n_after", c.after().n());
            m.put("change", finite(c.absolute()));
            m.put("relative_change", finite(c.relative()));
            m.put("tested", c.tested());
            m.put("significant", c.significant());
            m.put("p_value", c.pValue());
            m.put("q_value", c.qValue());
            m.put("ci_low", c.interval() == null ? null : c.interval().low());
            m.put("ci_high", c.interval() == null ? null : c.interval().high());
            m.put("test", c.test());
            out.add(m);
        }
        return out;
    }

    /** JSON has no infinity or NaN: null stands for "appeared from zero" or "not measured". */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
