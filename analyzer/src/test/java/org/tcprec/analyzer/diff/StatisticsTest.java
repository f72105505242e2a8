package org.tcprec.analyzer.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StatisticsTest {
    @Test
    void exactBinomialMatchesHandComputedTails() {
        // 0 of 10 at p = 1/2: only 0 and 10 are as unlikely, 2 / 1024
        assertEquals(2.0 / 1024, Statistics.exactBinomialTwoSided(0, 10, 0.5), 1e-12);
        // 5 of 10 at p = 1/2 is the mode: every outcome counts
        assertEquals(1.0, Statistics.exactBinomialTwoSided(5, 10, 0.5), 1e-9);
        // 3 of 3 at p = 1/2: 3 and 0, each 1/8
        assertEquals(0.25, Statistics.exactBinomialTwoSided(3, 3, 0.5), 1e-12);
    }

    @Test
    void rateTestUsesExposureNotRawCounts() {
        // 100 events in 1 s against 200 in 2 s: the same rate
        assertTrue(Statistics.poissonRateTest(100, 1, 200, 2) > 0.5);
        // 100 in 1 s against 100 in 2 s: half the rate, far beyond chance
        assertTrue(Statistics.poissonRateTest(100, 1, 100, 2) < 1e-4);
        // nothing either side: no evidence of anything
        assertEquals(1.0, Statistics.poissonRateTest(0, 1, 0, 1));
    }

    @Test
    void normalApproximationAgreesWithTheExactTestWhereTheyMeet() {
        double exact = Statistics.exactBinomialTwoSided(1050, 2000, 0.5);
        double approximate = Statistics.poissonRateTest(950, 1, 1050, 1); // n = 2000: still exact
        double normal = Statistics.poissonRateTest(951, 1, 1051, 1); // n = 2002: the approximation
        assertEquals(exact, approximate, 1e-12);
        assertEquals(exact, normal, 0.005);
    }

    @Test
    void upperNormalTailKnownValues() {
        assertEquals(0.5, Statistics.upperNormalTail(0), 1e-7);
        assertEquals(0.0227501, Statistics.upperNormalTail(2), 1e-6);
        assertEquals(0.0013499, Statistics.upperNormalTail(3), 1e-6);
    }

    @Test
    void logGammaOfIntegersIsLogFactorial() {
        assertEquals(Math.log(120), Statistics.logGamma(6), 1e-12);
        assertEquals(Math.log(3628800), Statistics.logGamma(11), 1e-11);
    }

    @Test
    void bootstrapSeesAShiftAndNotItsAbsence() {
        SplittableRandom random = new SplittableRandom(1);
        double[] a = new double[500];
        double[] b = new double[500];
        double[] shifted = new double[500];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextDouble();
            b[i] = random.nextDouble();
            shifted[i] = random.nextDouble() + 0.2;
        }
        Statistics.Interval same = medianDifference(a, b);
        assertFalse(same.excludesZero(), same.toString());
        Statistics.Interval moved = medianDifference(a, shifted);
        assertTrue(moved.excludesZero() && moved.low() > 0.05 && moved.high() < 0.35, moved.toString());
        // seeded: the same inputs give the same interval
        assertEquals(moved, medianDifference(a, shifted));
    }

    private static Statistics.Interval medianDifference(double[] before, double[] after) {
        return Statistics.bootstrapQuantileDifferences(
                before, after, new double[] {0.5}, 0.99, Statistics.MIN_RESAMPLES)[0]
                .interval();
    }

    /** The q-quantile of unsorted values, by sorting them: the reference the bootstrap's counting must match. */
    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return Statistics.sortedQuantile(sorted, q);
    }

    @Test
    void quantileInterpolatesLikeDuckDbQuantileCont() {
        assertEquals(2.5, quantile(new double[] {4, 1, 3, 2}, 0.5), 1e-12);
        assertEquals(3.7, quantile(new double[] {1, 2, 3, 4}, 0.9), 1e-12);
    }

    @Test
    void benjaminiHochbergMatchesAWorkedExample() {
        // sorted p: 0.001 0.008 0.039 0.041 0.042 0.06 0.074 0.205 0.212 0.216 (m = 10)
        // p * m / rank: 0.01 0.04 0.13 0.1025 0.084 0.1 0.1057 0.25625 0.2356 0.216,
        // then the running minimum from the largest rank down
        double[] p = {0.041, 0.001, 0.216, 0.06, 0.008, 0.205, 0.039, 0.074, 0.042, 0.212};
        double[] expected = {0.084, 0.01, 0.216, 0.1, 0.04, 0.216, 0.084, 0.1057142857, 0.084, 0.216};
        double[] q = Statistics.benjaminiHochberg(p);
        for (int i = 0; i < p.length; i++) {
            assertEquals(expected[i], q[i], 1e-9, "q of p=" + p[i]);
        }
        // one test: no adjustment; none: nothing to adjust
        assertEquals(0.03, Statistics.benjaminiHochberg(new double[] {0.03})[0], 1e-12);
        assertEquals(0, Statistics.benjaminiHochberg(new double[0]).length);
    }

    /**
     * The bootstrap reads each resample's quantiles by counting ranks instead of sorting; the same
     * draws, made here by sorting each resample, must give the same intervals and p-values.
     */
    @Test
    void countingBootstrapEqualsSortingTheSameResamples() {
        SplittableRandom data = new SplittableRandom(7);
        double[] a = new double[300];
        double[] b = new double[410];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.floor(data.nextDouble() * 50);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.floor(data.nextDouble() * 55);
        }
        double[] qs = {0.5, 0.9};
        int resamples = 10_000;
        Statistics.QuantileTest[] fast = Statistics.bootstrapQuantileDifferences(a, b, qs, 0.99, resamples);

        SplittableRandom random = new SplittableRandom(Statistics.SEED);
        double[][] d = new double[qs.length][resamples];
        for (int i = 0; i < resamples; i++) {
            double[] ra = blockResample(a, random);
            double[] rb = blockResample(b, random);
            for (int j = 0; j < qs.length; j++) {
                d[j][i] = quantile(rb, qs[j]) - quantile(ra, qs[j]);
            }
        }
        for (int j = 0; j < qs.length; j++) {
            java.util.Arrays.sort(d[j]);
            long below = java.util.Arrays.stream(d[j]).filter(x -> x <= 0).count();
            long above = java.util.Arrays.stream(d[j]).filter(x -> x >= 0).count();
            double p = Math.min(1, 2.0 * (1 + Math.min(below, above)) / (1 + d[j].length));
            assertEquals(
                    Statistics.sortedQuantile(d[j], 0.005), fast[j].interval().low(), 1e-12);
            assertEquals(
                    Statistics.sortedQuantile(d[j], 0.995), fast[j].interval().high(), 1e-12);
            assertEquals(p, fast[j].pValue(), 1e-12);
        }
    }

    private static double[] blockResample(double[] from, SplittableRandom random) {
        int n = from.length;
        int block = (int) Math.round(Math.sqrt(n));
        double[] into = new double[n];
        for (int i = 0; i < n; ) {
            int start = random.nextInt(n);
            for (int k = 0; k < block && i < n; k++) {
                into[i++] = from[(start + k) % n];
            }
        }
        return into;
    }

    @Test
    void bootstrapPValueAgreesWithItsInterval() {
        SplittableRandom random = new SplittableRandom(3);
        double[] a = new double[400];
        double[] b = new double[400];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextDouble();
            b[i] = random.nextDouble() + 0.1;
        }
        Statistics.QuantileTest moved =
                Statistics.bootstrapQuantileDifferences(a, b, new double[] {0.5}, 0.99, 10_000)[0];
        assertTrue(moved.interval().excludesZero() && moved.pValue() < 0.01, moved.toString());
        Statistics.QuantileTest same =
                Statistics.bootstrapQuantileDifferences(a, a, new double[] {0.5}, 0.99, 10_000)[0];
        // one sample against itself: the resampled differences straddle 0
        assertTrue(same.pValue() > 0.5 && !same.interval().excludesZero(), same.toString());
    }

    @Test
    void enoughResamplesForTheSmallestPValueToPassTheFirstThreshold() {
        for (int tests : new int[] {1, 12, 36, 80, 400}) {
            for (double confidence : new double[] {0.95, 0.99, 0.999}) {
                int resamples = Statistics.resamplesFor(tests, confidence);
                double smallest = 2.0 / (1 + resamples);
                boolean capped = resamples == Statistics.MAX_RESAMPLES;
                assertTrue(capped || smallest <= (1 - confidence) / tests / 2, tests + " tests at " + confidence);
                assertTrue(resamples >= Statistics.MIN_RESAMPLES);
            }
        }
        assertEquals(Statistics.MIN_RESAMPLES, Statistics.resamplesFor(12, 0.99));
        assertEquals(14_400, Statistics.resamplesFor(36, 0.99));
    }
}
