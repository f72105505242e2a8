package org.tcprec.fleet;

import java.util.List;

/**
 * One trace of the fleet as its footer describes it: the columns of the analyzer's {@code traces}
 * table, plus where Spark finds it and the columns its rows carry.
 *
 * @param uri the file as Spark's {@code _metadata.file_path} names it
 * @param filename the file as the views name it: the plain path for a local file (as `tcprec sql`
 *     names it), the URI otherwise
 */
public record FleetTrace(
        String uri,
        String filename,
        String hostname,
        String kernel,
        String kernelVersion,
        String machine,
        String bootId,
        String formatVersion,
        long rows,
        long lostEvents,
        boolean recovered,
        List<String> missingTracepoints,
        long startRealtimeNs,
        long startBoottimeNs,
        Long durationNs,
        int utcOffsetSeconds,
        Long endNs,
        List<String> columns) {

    /** Whether the rows carry the socket lifetimes (format 1.1 and later); a 1.0 trace's are derived. */
    public boolean storesLifetimes() {
        return columns.contains("life");
    }

    /** The column of event times: {@code time_ns} (INT64) since format 2.0, {@code time} (TIMESTAMP(NANOS)) before. */
    public String timeColumn() {
        return columns.contains("time_ns") ? "time_ns" : "time";
    }
}
