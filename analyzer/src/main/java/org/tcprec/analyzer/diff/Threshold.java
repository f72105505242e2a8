package org.tcprec.analyzer.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One --fail-on condition: METRIC&gt;CHANGE or METRIC&lt;CHANGE, where CHANGE is relative
 * (+20%), a time (+5ms, 300us) or a number in the metric's own unit. It fires when the change
 * passes the limit and is beyond noise: a gate that fires on noise gets switched off.
 */
record Threshold(String text, String metric, boolean greater, double limit, Kind kind) {
    enum Kind {
        RELATIVE,
        TIME_NS,
        ABSOLUTE
    }

    private static final Pattern SYNTAX =
            Pattern.compile("\\s*([a-z0-9_A-Z]+)\\s*([<>])\\s*([+-]?[0-9]+(?:\\.[0-9]+)?)\\s*(%|ns|us|ms|s)?\\s*");

    /** Parses a comma-separated list; throws IllegalArgumentException with a one-line reason. */
    static List<Threshold> parseAll(String list) {
        List<Threshold> out = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no condition in '" + list + "'");
        }
        return out;
    }

    static Threshold parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot parse '" + text.trim()
                    + "': expected METRIC>CHANGE or METRIC<CHANGE, e.g. retransmits_per_conn>+20% or connect_p99>+5ms");
        }
        String metric = m.group(1).toLowerCase(Locale.ROOT);
        MetricSpec spec = Measurement.specOf(metric);
        if (spec == null) {
            throw new IllegalArgumentException("unknown metric '" + metric + "' in '" + text.trim() + "'; metrics: "
                    + String.join(", ", Measurement.SPECS.keySet()) + ", state_<STATE>_p50|p99");
        }
        double number = Double.parseDouble(m.group(3));
        String unit = m.group(4);
        Kind kind;
        double limit;
        if ("%".equals(unit)) {
            kind = Kind.RELATIVE;
            limit = number / 100;
        } else if (unit != null) {
            if (!spec.isTime()) {
                throw new IllegalArgumentException("'" + text.trim() + "': " + metric + " is not a time (its unit is "
                        + spec.unit() + "); use % or a plain number");
            }
            kind = Kind.TIME_NS;
            limit = number
                    * switch (unit) {
                        case "ns" -> 1;
                        case "us" -> 1e3;
                        case "ms" -> 1e6;
                        default -> 1e9;
                    };
        } else {
            kind = Kind.ABSOLUTE;
            limit = number;
        }
        return new Threshold(text.trim(), metric, m.group(2).equals(">"), limit, kind);
    }

    /** The change this threshold measures, in its own terms (fraction, ns, or metric units). */
    double measure(Change change) {
        return switch (kind) {
            case RELATIVE -> change.relative();
            case TIME_NS -> change.absolute() * change.spec().nanosPerUnit();
            case ABSOLUTE -> change.absolute();
        };
    }

    boolean passed(Change change) {
        double v = measure(change);
        return greater ? v > limit : v < limit;
    }

    /** Fires on a change beyond its limit and beyond noise; a maximum, untestable, fires on the limit alone. */
    boolean fires(Change change) {
        return passed(change)
                && (change.significant()
                        || !change.tested()
                                && change.before().n() > 0
                                && change.after().n() > 0);
    }
}
