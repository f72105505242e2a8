package org.tcprec.analyzer.diff;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntToDoubleFunction;

/**
 * The two tests a diff uses to tell a change from noise, both without assuming a distribution
 * for the values. Seeded, so the same two traces always give the same verdicts.
 */
final class Statistics {
    static final int MIN_RESAMPLES = 10_000;
    static final int MAX_RESAMPLES = 200_000;
    static final long SEED = 0x7c9e_2f31_a4d5_6b08L;

    private Statistics() {}

    /** An interval for (after − before). */
    record Interval(double low, double high) {
        boolean excludesZero() {
            return low > 0 || high < 0;
        }
    }

    /** The bootstrap's verdict on one quantile: the interval of (after − before) and a two-sided p-value. */
    record QuantileTest(Interval interval, double pValue) {}

    /**
     * Bootstrap percentile intervals and p-values for the difference of each quantile in qs
     * between two samples: each side is resampled, its quantiles taken, and the differences' tails
     * cut at (1 − confidence) / 2. The p-value is twice the smaller share of resampled differences
     * on either side of zero, (1 + count) / (1 + resamples), so the smallest it can be is
     * 2 / (1 + resamples); {@link #resamplesFor} makes that small enough for the family's
     * correction (see {@link #benjaminiHochberg}). Returns null when either side is empty.
     *
     * <p>The samples are in time order and are resampled in blocks of consecutive values (a
     * circular block bootstrap, blocks of √n): connections close in time share what the host was
     * doing then, and a burst of slow ones from one busy moment is one piece of evidence, not
     * many. Resampling single values would treat it as many and call a busy moment a change.
     */
    static QuantileTest[] bootstrapQuantileDifferences(
            double[] before, double[] after, double[] qs, double confidence, int resamples) {
        if (before.length == 0 || after.length == 0) {
            return null;
        }
        SplittableRandom random = new SplittableRandom(SEED);
        BlockResampler a = new BlockResampler(before, qs);
        BlockResampler b = new BlockResampler(after, qs);
        double[][] differences = new double[qs.length][resamples];
        double[] qa = new double[qs.length];
        double[] qb = new double[qs.length];
        for (int i = 0; i < resamples; i++) {
            a.resampleQuantiles(random, qa);
            b.resampleQuantiles(random, qb);
            for (int j = 0; j < qs.length; j++) {
                differences[j][i] = qb[j] - qa[j];
            }
        }
        double tail = (1 - confidence) / 2;
        QuantileTest[] tests = new QuantileTest[qs.length];
        for (int j = 0; j < qs.length; j++) {
            double[] d = differences[j];
            Arrays.sort(d);
            int atOrBelowZero = upperBound(d, 0);
            int atOrAboveZero = d.length - lowerBound(d, 0);
            double p = Math.min(1, 2.0 * (1 + Math.min(atOrBelowZero, atOrAboveZero)) / (1 + d.length));
            tests[j] = new QuantileTest(new Interval(sortedQuantile(d, tail), sortedQuantile(d, 1 - tail)), p);
        }
        return tests;
    }

    /**
     * Resamples for a family of {@code tests} judged at 1 − confidence: enough that the smallest
     * p-value the bootstrap can give, 2 / (1 + resamples), is at most half of Benjamini–Hochberg's
     * first threshold (1 − confidence) / tests, so a clear change can pass even when it is the
     * family's only one. At least 10,000 (stable interval ends), at most 200,000 (time).
     */
    static int resamplesFor(int tests, double confidence) {
        double needed = 4.0 * Math.max(tests, 1) / (1 - confidence);
        return (int) Math.min(MAX_RESAMPLES, Math.max(MIN_RESAMPLES, Math.ceil(needed)));
    }

    private static int lowerBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int upperBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * Draws circular block resamples of one sample and reads their quantiles without sorting:
     * a resample is a count per rank of the original's sorted values, and a quantile is found by
     * walking those counts. That makes ten thousand resamples of 2000 values cheap.
     */
    private static final class BlockResampler {
        private final double[] sorted;
        private final int[] rankAt;
        private final int[] countOfRank;
        private final int block;
        private final double[] qs;
        /** The order statistics each quantile interpolates between, ascending, and their values. */
        private final int[] orderStatistics;

        private final double[] orderValues;

        BlockResampler(double[] timeOrdered, double[] qs) {
            int n = timeOrdered.length;
            Integer[] byValue = new Integer[n];
            for (int i = 0; i < n; i++) {
                byValue[i] = i;
            }
            Arrays.sort(byValue, (x, y) -> Double.compare(timeOrdered[x], timeOrdered[y]));
            sorted = new double[n];
            rankAt = new int[n];
            for (int r = 0; r < n; r++) {
                sorted[r] = timeOrdered[byValue[r]];
                rankAt[byValue[r]] = r;
            }
            countOfRank = new int[n];
            block = blockLength(n);
            this.qs = qs;
            // the order statistics are those interpolate asks for
            TreeSet<Integer> needed = new TreeSet<>();
            for (double q : qs) {
                interpolate(q, n, k -> {
                    needed.add(k);
                    return 0;
                });
            }
            orderStatistics = needed.stream().mapToInt(Integer::intValue).toArray();
            orderValues = new double[orderStatistics.length];
        }

        void resampleQuantiles(SplittableRandom random, double[] into) {
            int n = sorted.length;
            for (int i = 0; i < n; ) {
                int start = random.nextInt(n);
                for (int k = 0; k < block && i < n; k++, i++) {
                    int at = start + k;
                    countOfRank[rankAt[at >= n ? at - n : at]]++;
                }
            }
            int seen = 0;
            int next = 0;
            for (int r = 0; r < n && next < orderStatistics.length; r++) {
                seen += countOfRank[r];
                while (next < orderStatistics.length && orderStatistics[next] < seen) {
                    orderValues[next++] = sorted[r];
                }
            }
            Arrays.fill(countOfRank, 0);
            for (int j = 0; j < qs.length; j++) {
                into[j] = interpolate(qs[j], n, this::valueOfOrderStatistic);
            }
        }

        private double valueOfOrderStatistic(int k) {
            return orderValues[Arrays.binarySearch(orderStatistics, k)];
        }
    }

    static int blockLength(int n) {
        return Math.max(1, (int) Math.round(Math.sqrt(n)));
    }

    /**
     * Benjamini–Hochberg adjusted p-values (q-values) of one family of tests: a test is beyond
     * chance at level α when its q is below α, which keeps the expected share of chance results
     * among those marked at α, and the chance of marking anything when nothing changed at α.
     * A diff makes forty-odd tests at once: judged one by one at 99%, where nothing changed at
     * least one would pass by chance in about a third of diffs (1 − 0.99^40).
     */
    static double[] benjaminiHochberg(double[] pValues) {
        int m = pValues.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(pValues[x], pValues[y]));
        double[] q = new double[m];
        double running = 1;
        for (int rank = m; rank >= 1; rank--) {
            int i = order[rank - 1];
            running = Math.min(running, pValues[i] * m / rank);
            q[i] = Math.min(1, running);
        }
        return q;
    }

    /** The q-quantile of sorted values, interpolated as DuckDB's quantile_cont does. */
    static double sortedQuantile(double[] sorted, double q) {
        return interpolate(q, sorted.length, k -> sorted[k]);
    }

    /**
     * The q-quantile of n values given by their order statistics (0-based): linear interpolation
     * between the two around q·(n − 1), DuckDB's quantile_cont.
     */
    static double interpolate(double q, int n, IntToDoubleFunction orderStatistic) {
        double position = q * (n - 1);
        int below = (int) Math.floor(position);
        double low = orderStatistic.applyAsDouble(below);
        double high = orderStatistic.applyAsDouble(Math.min(below + 1, n - 1));
        return low + (position - below) * (high - low);
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
        double[] c = {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7
        };
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
        double y = t
                * Math.exp(
                        -x * x
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return x >= 0 ? y / 2 : 1 - y / 2;
    }
}
