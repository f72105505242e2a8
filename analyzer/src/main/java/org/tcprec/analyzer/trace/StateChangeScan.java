package org.tcprec.analyzer.trace;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.concurrent.BackgroundQueue;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;
import org.tcprec.format.scan.ScanBatch;
import org.tcprec.format.scan.TraceScanException;
import org.tcprec.format.scan.TraceScanner;

/**
 * The state_changes view (views.sql) of one trace, read with the format's own scanner instead
 * of DuckDB, for tcpstates and tcplife's replay: they read most rows of a trace, where DuckDB's
 * scan and export of the rows cost more than the scanner's decoding, and loading DuckDB alone is
 * a tenth of a second.
 * The view is a projection of the file, so its definition carries over in three rules: the rows
 * of event inet_sock_set_state, ts_ns is the time column (nanoseconds since the epoch in both),
 * and a null ns_in_oldstate reads as 0, as the view's coalesce makes it (the scanner gives a
 * null row the value 0). ReportOptions.FILTER_SQL's family and port conditions become the
 * scanner's conditions. StateChangeScanTest holds the two readings equal.
 */
public final class StateChangeScan {
    /** Stands for the file's time column (time_ns, or time in a 1.x file) in FILE_COLUMNS. */
    private static final String TIME = "(time)";
    /** The view's columns this scan can give, and the file column each one is (ts_ns: the file's time column). */
    private static final Map<String, String> FILE_COLUMNS = Map.ofEntries(
            Map.entry("ts_ns", TIME),
            Map.entry("skaddr", "skaddr"),
            Map.entry("tgid", "tgid"),
            Map.entry("comm", "comm"),
            Map.entry("family", "family"),
            Map.entry("laddr", "laddr"),
            Map.entry("lport", "lport"),
            Map.entry("raddr", "raddr"),
            Map.entry("rport", "rport"),
            Map.entry("oldstate", "oldstate"),
            Map.entry("newstate", "newstate"),
            Map.entry("ns_in_oldstate", "ns_in_oldstate"),
            Map.entry("netns", "netns"),
            Map.entry("cgroup_id", "cgroup_id"),
            Map.entry("life", "life"),
            Map.entry("bytes_acked", "bytes_acked"),
            Map.entry("bytes_received", "bytes_received"));

    private static final String STATE_CHANGE = "inet_sock_set_state";
    private static final int BATCH_ROWS = 1 << 16;
    /** Batches in flight: the scanner fills one while the report prints another. */
    private static final int BATCHES = 3;

    private final TraceFooter footer;
    /** The file columns scanned: those asked for, then time when it was not among them. */
    private final List<String> fileColumns;
    /** Where time is among the columns scanned. */
    private final int timeAt;
    /** Where ns_in_oldstate is among the columns, or -1. */
    private final int nsInOldstate;

    private StateChangeScan(TraceFooter footer, List<String> fileColumns) {
        this.footer = footer;
        // time is always read: the format promises rows in time order, and the reports that
        // read a file in its order must refuse one that breaks the promise
        List<String> scanned = new ArrayList<>(fileColumns);
        if (!scanned.contains(footer.timeColumn())) {
            scanned.add(footer.timeColumn());
        }
        this.fileColumns = scanned;
        this.timeAt = scanned.indexOf(footer.timeColumn());
        this.nsInOldstate = fileColumns.indexOf("ns_in_oldstate");
    }

    /**
     * The scan of these view columns from the trace, or null when the view must be read through
     * DuckDB: a 1.0 trace (its lifetimes are derived by a window over the file), a column
     * outside the projection, or pages the scanner does not decode.
     */
    public static StateChangeScan of(TraceFooter footer, List<String> viewColumns) {
        if (!footer.columns().contains("life") || !footer.columns().contains("ns_in_oldstate")) {
            return null;
        }
        List<String> fileColumns = new ArrayList<>();
        for (String column : viewColumns) {
            String file = TIME.equals(FILE_COLUMNS.get(column)) ? footer.timeColumn() : FILE_COLUMNS.get(column);
            if (file == null || fileColumns.contains(file)) {
                return null;
            }
            fileColumns.add(file);
        }
        List<String> read = new ArrayList<>(fileColumns);
        read.add(footer.timeColumn());
        read.addAll(List.of("event", "family", "lport", "rport"));
        if (TraceScanner.unsupported(footer.parquet(), read) != null) {
            return null;
        }
        return new StateChangeScan(footer, fileColumns);
    }

    /**
     * The view's rows that pass the filters (family 0 and empty port lists: no filter), in file
     * order, handed to the handler batch by batch on the calling thread.
     */
    public void rows(int family, List<Integer> localPorts, List<Integer> remotePorts, Consumer<ColumnBatch> handler) {
        try (BatchStream rows = open(family, localPorts, remotePorts)) {
            while (rows.next()) {
                handler.accept(rows);
            }
        }
    }

    /** The same rows as a stream that the caller pulls from, decoded ahead on a thread of its own. */
    public BatchStream open(int family, List<Integer> localPorts, List<Integer> remotePorts) {
        TraceScanner scanner;
        try {
            scanner = TraceScanner.open(footer.path(), footer.parquet(), fileColumns, BATCH_ROWS);
        } catch (IOException e) {
            throw new UserError(footer.path() + ": cannot read: " + e.getMessage(), e);
        }
        scanner.whereEquals("event", STATE_CHANGE);
        if (family != 0) {
            scanner.whereIn("family", new long[] {family});
        }
        if (!localPorts.isEmpty()) {
            scanner.whereIn("lport", sortedLongs(localPorts));
        }
        if (!remotePorts.isEmpty()) {
            scanner.whereIn("rport", sortedLongs(remotePorts));
        }
        return new Decoded(scanner);
    }

    /** Batches decoded ahead: the scanner fills one on its thread while the caller reads another. */
    private final class Decoded implements BatchStream {
        private final TraceScanner scanner;
        private final BackgroundQueue<ScanBatch> decoded;
        private ScanBatch current;

        Decoded(TraceScanner scanner) {
            this.scanner = scanner;
            List<ScanBatch> batches = new ArrayList<>();
            for (int i = 0; i < BATCHES; i++) {
                batches.add(scanner.newBatch());
            }
            decoded = BackgroundQueue.reading("tcprec-trace-scan", batches, this::decode);
        }

        private void decode(BackgroundQueue.Sink<ScanBatch> out) throws InterruptedException {
            long lastTime = Long.MIN_VALUE;
            try {
                while (true) {
                    ScanBatch batch = out.free();
                    if (!scanner.next(batch)) {
                        return;
                    }
                    ColumnVector time = batch.column(timeAt);
                    for (int i = 0; i < batch.rows(); i++) {
                        long t = time.getLong(i);
                        if (t < lastTime) {
                            throw new UserError(footer.path() + " is damaged: its rows are not in time order, "
                                    + "as the format requires (a state change at " + t + " ns follows one at "
                                    + lastTime
                                    + " ns)");
                        }
                        lastTime = t;
                    }
                    out.put(batch);
                }
            } catch (ClosedByInterruptException e) {
                // the reader stopped early (an error, or its output closed)
                throw new InterruptedException();
            } catch (IOException | TraceScanException e) {
                throw new UserError(footer.path() + " is damaged: " + e.getMessage(), e);
            } catch (UserError e) {
                throw e;
            } catch (RuntimeException e) {
                // pages that decode past their arrays are damaged too; the cause keeps the detail
                throw new UserError(footer.path() + " is damaged: cannot decode its pages (" + e + ")", e);
            }
        }

        @Override
        public boolean next() {
            try {
                current = decoded.take();
            } catch (IOException e) {
                throw new UserError("interrupted while reading " + footer.path());
            }
            if (current == null) {
                return false;
            }
            if (nsInOldstate >= 0) {
                // the view's coalesce: the scan gave its null rows the value 0 already
                current.column(nsInOldstate).hasNulls(false);
            }
            return true;
        }

        @Override
        public int rows() {
            return current == null ? 0 : current.rows();
        }

        @Override
        public ColumnVector column(int index) {
            return current.column(index);
        }

        @Override
        public void close() {
            decoded.close();
            try {
                scanner.close();
            } catch (IOException e) {
                // the scan is over either way; closing a file only read loses nothing
            }
        }
    }

    /** Port lists as the scanner's and the replay's conditions take them: longs, ascending. */
    public static long[] sortedLongs(List<Integer> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < values.size(); i++) {
            out[i] = values.get(i);
        }
        java.util.Arrays.sort(out);
        return out;
    }
}
