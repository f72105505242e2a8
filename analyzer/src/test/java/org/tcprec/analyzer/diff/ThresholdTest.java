package org.tcprec.analyzer.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdTest {
    private static Change change(String metric, double before, double after, boolean significant) {
        MetricSpec spec = Measurement.specOf(metric);
        Observation b = new Observation.Quantile(0.99, before, 500, new double[0]);
        Observation a = new Observation.Quantile(0.99, after, 500, new double[0]);
        return new Change(
                spec, b, a, after - before, (after - before) / before, true, true, significant, null, null, null, "");
    }

    @Test
    void parsesRelativeTimeAndPlainLimits() {
        List<Threshold> all = Threshold.parseAll("retransmits_per_conn>+20%, connect_p99>+5ms,cwnd_p50<-3");
        assertEquals(0.20, all.get(0).limit(), 1e-12);
        assertEquals(Threshold.Kind.RELATIVE, all.get(0).kind());
        assertEquals(5e6, all.get(1).limit(), 1e-6);
        assertEquals(Threshold.Kind.TIME_NS, all.get(1).kind());
        assertEquals(-3, all.get(2).limit());
        assertFalse(all.get(2).greater());
    }

    @Test
    void firesOnlyBeyondTheLimitAndBeyondNoise() {
        Threshold t = Threshold.parse("connect_p99>+5ms");
        assertTrue(t.fires(change("connect_p99", 1.0, 7.0, true)));
        assertFalse(t.fires(change("connect_p99", 1.0, 5.5, true)), "4.5 ms is under the limit");
        assertFalse(t.fires(change("connect_p99", 1.0, 7.0, false)), "within noise");
        assertTrue(Threshold.parse("connect_p99>+500%").fires(change("connect_p99", 1.0, 7.0, true)));
        assertTrue(Threshold.parse("connect_p99>5000us").fires(change("connect_p99", 1.0, 7.0, true)));
    }

    @Test
    void badConditionsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Threshold.parse("connect_p99 >> 5"))
                .getMessage()
                .contains("expected METRIC>CHANGE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Threshold.parse("latency>5ms"))
                .getMessage()
                .startsWith("unknown metric 'latency'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Threshold.parse("cwnd_p50>5ms"))
                .getMessage()
                .contains("not a time"));
        assertThrows(IllegalArgumentException.class, () -> Threshold.parseAll(" , "));
    }
}
