package org.tcprec.analyzer.diff;

/**
 * What "beyond noise" means for a diff: significant at this confidence (after correcting for the
 * diff's other tests), and no smaller than
 * these minimums. The minimums matter because two runs of one workload are never identical
 * (caches, scheduling, CPU frequency): with thousands of connections a test detects shifts of a
 * few percent that nobody should chase. Times also need a floor: a host busy with other work
 * delays whole bursts of connections together, which moves tail quantiles by fractions of a
 * millisecond between runs (seen on the 2-core test machines), so by default a time metric must
 * move by 1 ms or more.
 */
record NoiseFloor(double confidence, double minRelative, double minTimeNs) {
    static final NoiseFloor DEFAULT = new NoiseFloor(0.99, 0.10, 1_000_000);
}
