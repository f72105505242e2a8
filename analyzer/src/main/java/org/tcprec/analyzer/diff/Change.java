package org.tcprec.analyzer.diff;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One metric, before and after, and whether the difference is beyond noise: significant at the
 * chosen confidence once corrected for the other tests of its diff, AND at least the minimum
 * change that matters.
 *
 * @param relative (after − before) / before; +Infinity when the metric appears from 0
 * @param tested whether a test applies (a maximum, or an empty side, has none)
 * @param large whether the change reaches the noise floor's minimums
 * @param pValue the test's own p-value; qValue the same after {@link #judgeTogether}
 * @param test what was tested, with its numbers, in words
 */
record Change(
        MetricSpec spec,
        Observation before,
        Observation after,
        double absolute,
        double relative,
        boolean tested,
        boolean large,
        boolean significant,
        Double pValue,
        Double qValue,
        Statistics.Interval interval,
        String test) {

    /** How far beyond the minimum it goes, to put the biggest changes first. */
    double magnitude() {
        return Double.isInfinite(relative) ? Double.MAX_VALUE : Math.abs(relative);
    }

    /**
     * Tests one metric on its own; {@code bootstrap} is its quantile's precomputed bootstrap (null
     * for rates, and for quantiles with no test).
     */
    static Change compare(
            MetricSpec spec,
            Observation before,
            Observation after,
            NoiseFloor floor,
            Statistics.QuantileTest bootstrap) {
        double b = before.value();
        double a = after.value();
        double absolute = a - b;
        double relative = relativeChange(b, a);
        boolean large = Math.abs(relative) >= floor.minRelative()
                && (!spec.isTime() || Math.abs(absolute) * spec.nanosPerUnit() >= floor.minTimeNs());
        if (before instanceof Observation.Rate rb && after instanceof Observation.Rate ra) {
            if (rb.exposure() <= 0 || ra.exposure() <= 0) {
                return untested(
                        spec,
                        before,
                        after,
                        absolute,
                        relative,
                        large,
                        "no test: nothing to divide by (" + (rb.exposure() <= 0 ? "before" : "after") + " has 0 "
                                + rb.exposureUnit() + ")");
            }
            double p = Statistics.poissonRateTest(rb.count(), rb.exposure(), ra.count(), ra.exposure());
            return new Change(
                    spec,
                    before,
                    after,
                    absolute,
                    relative,
                    true,
                    large,
                    false,
                    p,
                    null,
                    null,
                    String.format(
                            Locale.ROOT,
                            "rate test p%s, %d vs %d events over %s vs %s %s",
                            pText(p),
                            rb.count(),
                            ra.count(),
                            exposure(rb.exposure()),
                            exposure(ra.exposure()),
                            rb.exposureUnit()));
        }
        Observation.Quantile qb = (Observation.Quantile) before;
        Observation.Quantile qa = (Observation.Quantile) after;
        if (qb.n() == 0 || qa.n() == 0) {
            return untested(
                    spec,
                    before,
                    after,
                    absolute,
                    qb.n() == 0 && qa.n() == 0 ? 0 : relative,
                    large,
                    String.format(Locale.ROOT, "no test: n=%d vs %d", qb.n(), qa.n()));
        }
        if (qb.q() >= 1) {
            return untested(
                    spec,
                    before,
                    after,
                    absolute,
                    relative,
                    large,
                    String.format(Locale.ROOT, "no test for a maximum, n=%d vs %d", qb.n(), qa.n()));
        }
        long needed = minimumSample(qb.q());
        if (qb.n() < needed || qa.n() < needed) {
            return untested(
                    spec,
                    before,
                    after,
                    absolute,
                    relative,
                    large,
                    String.format(
                            Locale.ROOT,
                            "no test: n=%d vs %d, a %s needs %d a side",
                            qb.n(),
                            qa.n(),
                            Measurement.label(qb.q()),
                            needed));
        }
        Statistics.Interval interval = bootstrap.interval();
        return new Change(
                spec,
                before,
                after,
                absolute,
                relative,
                true,
                large,
                false,
                bootstrap.pValue(),
                null,
                interval,
                String.format(
                        Locale.ROOT,
                        "bootstrap %s%% CI of the difference [%s, %s], p%s, n=%d vs %d%s",
                        trim(floor.confidence() * 100),
                        signed(interval.low()),
                        signed(interval.high()),
                        pText(bootstrap.pValue()),
                        qb.n(),
                        qa.n(),
                        qb.n() > qb.sample().length || qa.n() > qa.sample().length
                                ? " (resampled from " + qb.sample().length + " vs " + qa.sample().length + ")"
                                : ""));
    }

    /**
     * The change relative to before: infinite when the metric appears (from zero, or from no
     * value at all: a distribution empty before, NaN), -1 when its values are gone.
     */
    static double relativeChange(double before, double after) {
        if (Double.isNaN(before) || Double.isNaN(after)) {
            return Double.isNaN(before) == Double.isNaN(after)
                    ? 0
                    : Double.isNaN(before) ? Double.POSITIVE_INFINITY : -1;
        }
        return before == 0
                ? (after == 0 ? 0 : Double.POSITIVE_INFINITY * Math.signum(after))
                : (after - before) / Math.abs(before);
    }

    private static Change untested(
            MetricSpec spec,
            Observation before,
            Observation after,
            double absolute,
            double relative,
            boolean large,
            String why) {
        return new Change(spec, before, after, absolute, relative, false, large, false, null, null, null, why);
    }

    /** Whether {@link #compare} will test this metric (and a quantile needs its bootstrap). */
    static boolean testable(Observation before, Observation after) {
        if (before instanceof Observation.Rate rb && after instanceof Observation.Rate ra) {
            return rb.exposure() > 0 && ra.exposure() > 0;
        }
        Observation.Quantile qb = (Observation.Quantile) before;
        Observation.Quantile qa = (Observation.Quantile) after;
        long needed = minimumSample(qb.q());
        return qb.q() < 1 && qb.n() >= needed && qa.n() >= needed;
    }

    /**
     * Judges one diff's family of tests together (the whole-trace metrics, or one --by group's):
     * each p-value is adjusted by Benjamini–Hochberg over the family, and a change is beyond
     * noise when its adjusted q is below 1 − confidence and it is large enough.
     */
    static List<Change> judgeTogether(List<Change> family, NoiseFloor floor) {
        List<Change> tested = family.stream().filter(Change::tested).toList();
        double[] q = Statistics.benjaminiHochberg(
                tested.stream().mapToDouble(Change::pValue).toArray());
        Map<Change, Double> adjusted = new IdentityHashMap<>();
        for (int i = 0; i < q.length; i++) {
            adjusted.put(tested.get(i), q[i]);
        }
        return family.stream()
                .map(c -> {
                    Double qValue = adjusted.get(c);
                    if (qValue == null) {
                        return c;
                    }
                    boolean significant = qValue < 1 - floor.confidence() && c.large();
                    return new Change(
                            c.spec(),
                            c.before(),
                            c.after(),
                            c.absolute(),
                            c.relative(),
                            true,
                            c.large(),
                            significant,
                            c.pValue(),
                            qValue,
                            c.interval(),
                            c.test() + ", q" + pText(qValue) + " (" + q.length + " tests)");
                })
                .toList();
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
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String signed(double v) {
        return (v > 0 ? "+" : "") + Numbers.format(v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
