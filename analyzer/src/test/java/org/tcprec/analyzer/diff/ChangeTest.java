package org.tcprec.analyzer.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChangeTest {
    private static final NoiseFloor FLOOR = new NoiseFloor(0.99, 0.10, 5e6);

    private static Observation.Quantile median(double value, long n) {
        return new Observation.Quantile(0.5, value, n, n == 0 ? new double[0] : new double[] {value});
    }

    private static String shown(Observation before, Observation after) {
        Change c = Change.compare(Measurement.specOf("state_SYN_SENT_p50"), before, after, FLOOR, null);
        return Numbers.relative(c.relative(), before.value(), after.value());
    }

    /** A distribution empty on one side (no value, NaN) reads as rates do from zero: new, or gone. */
    @Test
    void aMetricWithNoValueOnOneSideIsNewOrGone() {
        assertEquals("new", shown(median(Double.NaN, 0), median(3.5, 1)));
        assertEquals("gone", shown(median(3.5, 1), median(Double.NaN, 0)));
        assertEquals("new", Numbers.relative(Change.relativeChange(0, 4), 0, 4));
        assertEquals("gone", Numbers.relative(Change.relativeChange(4, 0), 4, 0));
        assertEquals("+50.0%", Numbers.relative(Change.relativeChange(2, 3), 2, 3));
        assertEquals(0.0, Change.relativeChange(Double.NaN, Double.NaN));
    }
}
