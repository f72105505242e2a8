package org.tcprec.analyzer.diff;

import java.util.ArrayList;
import java.util.List;

/** Everything a diff found, ready to render in any format. */
record DiffResult(
        List<ContextRow> context,
        List<Change> metrics,
        String by,
        List<Group> groups,
        NoiseFloor floor,
        List<Threshold> thresholds) {

    /** One --by group: its connections in each trace and its metrics compared. */
    record Group(String key, long connectionsBefore, long connectionsAfter, List<Change> changes) {
        long size() {
            return Math.max(connectionsBefore, connectionsAfter);
        }

        double biggestChange() {
            return changes.stream()
                    .filter(Change::significant)
                    .mapToDouble(Change::magnitude)
                    .max()
                    .orElse(0);
        }
    }

    /** Each condition that fired, as "condition (what was measured)". */
    List<String> fired() {
        List<String> out = new ArrayList<>();
        for (Threshold t : thresholds) {
            for (Change c : metrics) {
                if (c.spec().name().equals(t.metric()) && t.fires(c)) {
                    out.add(t.text() + " (" + Numbers.format(c.before().value()) + " -> "
                            + Numbers.format(c.after().value()) + " " + c.spec().unit() + ", "
                            + Numbers.relative(
                                    c.relative(), c.before().value(), c.after().value()) + ")");
                }
            }
        }
        return out;
    }

    /** A threshold on a metric neither trace has (a state never seen) does not fire, and says so. */
    String thresholdStatus(Threshold t) {
        for (Change c : metrics) {
            if (c.spec().name().equals(t.metric())) {
                if (t.fires(c)) {
                    return c.tested() ? "FIRED" : "FIRED (" + c.test() + ": on the observed change alone)";
                }
                return t.passed(c) ? "passed its limit, but within noise" : "ok";
            }
        }
        return "not measured in these traces";
    }
}
