package org.tcprec.analyzer.diff;

/**
 * One metric, before and after, and whether the difference is beyond noise: statistically
 * significant at the chosen confidence AND at least the minimum change that matters.
 *
 * @param relative (after − before) / before; +Infinity when the metric appears from 0
 * @param tested whether a test applies (a maximum, or an empty side, has none)
 * @param test what was tested, with its numbers, in words
 */
record Change(MetricSpec spec, Observation before, Observation after, double absolute, double relative,
        boolean tested, boolean significant, Double pValue, Statistics.Interval interval, String test) {

    /** How far beyond the minimum it goes, to put the biggest changes first. */
    double magnitude() {
        return Double.isInfinite(relative) ? Double.MAX_VALUE : Math.abs(relative);
    }

    static Change compare(MetricSpec spec, Observation before, Observation after, NoiseFloor floor) {
        double b = before.value();
        double a = after.value();
        double absolute = a - b;
        double relative = b == 0 ? (a == 0 ? 0 : Double.POSITIVE_INFINITY * Math.signum(a)) : absolute / Math.abs(b);
        boolean large = Math.abs(relative) >= floor.minRelative()
                && (!spec.isTime() || Math.abs(absolute) * spec.nanosPerUnit() >= floor.minTimeNs());
        if (before instanceof Observation.Rate rb && after instanceof Observation.Rate ra) {
            if (rb.exposure() <= 0 || ra.exposure() <= 0) {
                return new Change(spec, before, after, absolute, relative, false, false, null, null,
                        "no test: nothing to divide by (" + (rb.exposure() <= 0 ? "before" : "after") + " has 0 "
                                + rb.exposureUnit() + ")");
            }
            double p = Statistics.poissonRateTest(rb.count(), rb.exposure(), ra.count(), ra.exposure());
            boolean significant = p < 1 - floor.confidence() && large;
            return new Change(spec, before, after, absolute, relative, true, significant, p, null,
                    String.format("rate test p%s, %d vs %d events over %s vs %s %s", pText(p), rb.count(), ra.count(),
                            exposure(rb.exposure()), exposure(ra.exposure()), rb.exposureUnit()));
        }
        Observation.Quantile qb = (Observation.Quantile) before;
        Observation.Quantile qa = (Observation.Quantile) after;
        if (qb.n() == 0 || qa.n() == 0) {
            return new Change(spec, before, after, absolute, qb.n() == 0 && qa.n() == 0 ? 0 : relative, false, false,
                    null, null, String.format("no test: n=%d vs %d", qb.n(), qa.n()));
        }
        if (qb.q() >= 1) {
            return new Change(spec, before, after, absolute, relative, false, false, null, null,
                    String.format("no test for a maximum, n=%d vs %d", qb.n(), qa.n()));
        }
        long needed = minimumSample(qb.q());
        if (qb.n() < needed || qa.n() < needed) {
            return new Change(spec, before, after, absolute, relative, false, false, null, null,
                    String.format("no test: n=%d vs %d, a %s needs %d a side", qb.n(), qa.n(),
                            Measurement.label(qb.q()), needed));
        }
        Statistics.Interval interval = Statistics.bootstrapQuantileDifference(qb.sample(), qa.sample(), qb.q(),
                floor.confidence());
        boolean significant = interval.excludesZero() && large;
        return new Change(spec, before, after, absolute, relative, true, significant, null, interval,
                String.format("bootstrap %s%% CI of the difference [%s, %s], n=%d vs %d%s",
                        trim(floor.confidence() * 100), signed(interval.low()), signed(interval.high()), qb.n(), qa.n(),
                        qb.n() > qb.sample().length || qa.n() > qa.sample().length
                                ? " (resampled from " + qb.sample().length + " vs " + qa.sample().length + ")" : ""));
    }

    /**
     * Values a side needs before a quantile is tested: ten beyond it, at least 20 in all. A p99
     * of 400 connections is the fourth slowest, and one busy moment of the host that delays a few
     * connections moves it by milliseconds; with ten beyond it, it takes a tenth of a percent of
     * all connections to move it.
     */
    static long minimumSample(double q) {
        return Math.max(20, (long) Math.ceil(10 / (1 - q) - 1e-9));
    }

    static String pText(double p) {
        return p < 0.001 ? "<0.001" : String.format(java.util.Locale.ROOT, "=%.3f", p);
    }

    private static String exposure(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.2f", v);
    }

    static String signed(double v) {
        return (v > 0 ? "+" : "") + Numbers.format(v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
