package org.tcprec.analyzer.diff;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The two tests a diff uses to tell a change from noise, both without assuming a distribution
 * for the values. Seeded, so the same two traces always give the same verdicts.
 */
final class Statistics {
    static final int BOOTSTRAP_RESAMPLES = 1000;
    private static final long SEED = 0x7c9e_2f31_a4d5_6b08L;

    private Statistics() {}

    /** An interval for (after − before). */
    record Interval(double low, double high) {
        boolean excludesZero() {
            return low > 0 || high < 0;
        }
    }

    /**
     * Bootstrap percentile interval for the difference of a quantile between two samples: each
     * side is resampled with replacement, the quantile taken, and the differences' tails cut at
     * (1 − confidence) / 2. Returns null when either side is empty.
     */
    static Interval bootstrapQuantileDifference(double[] before, double[] after, double q, double confidence) {
        if (before.length == 0 || after.length == 0) {
            return null;
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] differences = new double[BOOTSTRAP_RESAMPLES];
        double[] a = new double[before.length];
        double[] b = new double[after.length];
        for (int i = 0; i < BOOTSTRAP_RESAMPLES; i++) {
            resample(before, a, random);
            resample(after, b, random);
            differences[i] = quantile(b, q) - quantile(a, q);
        }
        Arrays.sort(differences);
        double tail = (1 - confidence) / 2;
        return new Interval(sortedQuantile(differences, tail), sortedQuantile(differences, 1 - tail));
    }

    private static void resample(double[] from, double[] into, SplittableRandom random) {
        for (int i = 0; i < into.length; i++) {
            into[i] = from[random.nextInt(from.length)];
        }
    }

    /** The q-quantile with linear interpolation between order statistics (DuckDB's quantile_cont). */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sortedQuantile(sorted, q);
    }

    static double sortedQuantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /**
     * Two-sided test that two event counts come from the same rate, given how much exposure
     * (seconds, connections, megabytes) each had. Conditional on the total n, the second count
     * is Binomial(n, e2 / (e1 + e2)) under equal rates; exact up to n = 2000, a continuity-
     * corrected normal approximation beyond. Returns the p-value.
     */
    static double poissonRateTest(long count1, double exposure1, long count2, double exposure2) {
        long n = count1 + count2;
        if (n == 0 || exposure1 <= 0 || exposure2 <= 0) {
            return 1;
        }
        double p = exposure2 / (exposure1 + exposure2);
        if (n <= 2000) {
            return exactBinomialTwoSided(count2, n, p);
        }
        double mean = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        double z = (Math.abs(count2 - mean) - 0.5) / sd;
        return Math.min(1, 2 * upperNormalTail(Math.max(z, 0)));
    }

    /** Sum of the probabilities of every outcome no more likely than the observed one. */
    static double exactBinomialTwoSided(long k, long n, double p) {
        double observed = logBinomialPmf(k, n, p);
        double total = 0;
        for (long i = 0; i <= n; i++) {
            double log = logBinomialPmf(i, n, p);
            if (log <= observed + 1e-7) {
                total += Math.exp(log);
            }
        }
        return Math.min(1, total);
    }

    private static double logBinomialPmf(long k, long n, double p) {
        if (p <= 0) {
            return k == 0 ? 0 : Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return k == n ? 0 : Double.NEGATIVE_INFINITY;
        }
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
    }

    private static double logFactorial(long n) {
        return logGamma(n + 1.0);
    }

    /** Lanczos approximation (g = 7, 9 terms), accurate to ~1e-15 relative for x > 0. */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** P(Z > z) for a standard normal Z (complementary error function, Numerical Recipes' erfc fit). */
    static double upperNormalTail(double z) {
        double x = z / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * Math.abs(x));
        double y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? y / 2 : 1 - y / 2;
    }
}
