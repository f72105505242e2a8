package org.tcprec.analyzer.diff;

import java.util.Locale;

/** Numbers as a diff prints them: enough digits to see a change, no more. */
final class Numbers {
    private Numbers() {}

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * The relative change: "+12.5%", "new" when it appears from zero or from no value, "gone" when
     * it drops to zero or to no value.
     */
    static String relative(double relative, double before, double after) {
        if (Double.isInfinite(relative)) {
            return "new";
        }
        if (before != 0 && !Double.isNaN(before) && (after == 0 || Double.isNaN(after))) {
            return "gone";
        }
        if (relative >= 9) {
            // past tenfold, a factor reads better than thousands of percent
            return "x" + format(Math.round(after / before * 10) / 10.0);
        }
        return String.format(Locale.ROOT, "%+.1f%%", relative * 100);
    }
}
