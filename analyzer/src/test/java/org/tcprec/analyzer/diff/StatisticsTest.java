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
        double approximate = Statistics.poissonRateTest(950, 1, 1050, 1) ; // n = 2000: still exact
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
        Statistics.Interval same = Statistics.bootstrapQuantileDifference(a, b, 0.5, 0.99);
        assertFalse(same.excludesZero(), same.toString());
        Statistics.Interval moved = Statistics.bootstrapQuantileDifference(a, shifted, 0.5, 0.99);
        assertTrue(moved.excludesZero() && moved.low() > 0.05 && moved.high() < 0.35, moved.toString());
        // seeded: the same inputs give the same interval
        assertEquals(moved, Statistics.bootstrapQuantileDifference(a, shifted, 0.5, 0.99));
    }

    @Test
    void quantileInterpolatesLikeDuckDbQuantileCont() {
        assertEquals(2.5, Statistics.quantile(new double[] {4, 1, 3, 2}, 0.5), 1e-12);
        assertEquals(3.7, Statistics.quantile(new double[] {1, 2, 3, 4}, 0.9), 1e-12);
    }
}
