package org.tcprec.analyzer.diff;

/** One metric as measured in one trace: what a comparison needs, and what it reports. */
sealed interface Observation {
    /** The number shown for the metric. */
    double value();

    /** How many values (events, connections) the number stands on. */
    long n();

    /** Events per unit of exposure: count / exposure (per second, per connection, per MB). */
    record Rate(long count, double exposure, String exposureUnit) implements Observation {
        @Override
        public double value() {
            return exposure > 0 ? count / exposure : 0;
        }

        @Override
        public long n() {
            return count;
        }
    }

    /**
     * A quantile of a distribution (q = 1 is its maximum), with a bounded, deterministic subset of
     * the values for resampling.
     */
    record Quantile(double q, double value, long n, double[] sample) implements Observation {}
}
