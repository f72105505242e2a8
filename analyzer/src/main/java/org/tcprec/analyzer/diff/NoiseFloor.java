package org.tcprec.analyzer.diff;

/**
 * What "beyond noise" means for a diff: significant at this confidence (after correcting for the
 * diff's other tests), and no smaller than these minimums. The minimums matter because two runs
 * of one workload are never identical (caches, scheduling, CPU frequency): with thousands of
 * connections a test detects shifts of a few percent that nobody should chase. Times also need a
 * floor, set by what the scheduler does to a busy host: when its speed drifts between two
 * recordings, the upper quantiles of times that wait on a process being scheduled (a close
 * after the peer's FIN, an accept) move by milliseconds between two recordings of the same
 * workload (bench/RESULTS.md, "measurements from code comments"). By default a time metric
 * must move by 5 ms or more (diff's --min-time-change), a few scheduler slices beyond the
 * largest such move seen.
 */
record NoiseFloor(double confidence, double minRelative, double minTimeNs) {}
