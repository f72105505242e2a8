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
import org.tcprec.format.scan.StateTimes;
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
 * null row the value 0). A 2.0 file stores no ns_in_oldstate: it is derived in the same pass from
 * life and the time (StateTimes), as the view derives it. ReportOptions.FILTER_SQL's family and port conditions become the
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
    private static final String NS_IN_OLDSTATE = "ns_in_oldstate";
    private static final int BATCH_ROWS = 1 << 16;
    /** Batches in flight: the scanner fills one while the report prints another. */
    private static final int BATCHES = 3;

    private final TraceFooter footer;
    /** The file columns the view's columns are, in their order; a derived ns_in_oldstate is left out. */
    private final List<String> fileColumns;
    /** For each view column, where it is among the file columns, or -1 for a derived ns_in_oldstate. */
    private final int[] viewAt;
    /** Whether ns_in_oldstate is asked for: stored (1.1) or derived from life (2.0), its nulls read as 0. */
    private final boolean nsAsked;
    /** Whether ns_in_oldstate is derived in the pass (a 2.0 file stores none): StateTimes over life and time. */
    private final boolean nsDerived;

    private StateChangeScan(TraceFooter footer, List<String> fileColumns, int[] viewAt, boolean nsAsked) {
        this.footer = footer;
        this.fileColumns = fileColumns;
        this.viewAt = viewAt;
        this.nsAsked = nsAsked;
        this.nsDerived = nsAsked && !footer.columns().contains(NS_IN_OLDSTATE);
    }

    /**
     * The scan of these view columns from the trace, or null when the view must be read through
     * DuckDB: a 1.0 trace (its lifetimes are derived by a window over the file), a column
     * outside the projection, or pages the scanner does not decode.
     */
    public static StateChangeScan of(TraceFooter footer, List<String> viewColumns) {
        if (!footer.columns().contains("life")) {
            return null;
        }
        List<String> fileColumns = new ArrayList<>();
        int[] viewAt = new int[viewColumns.size()];
        boolean nsAsked = false;
        for (int i = 0; i < viewColumns.size(); i++) {
            String column = viewColumns.get(i);
            String file = TIME.equals(FILE_COLUMNS.get(column)) ? footer.timeColumn() : FILE_COLUMNS.get(column);
            if (file == null || fileColumns.contains(file) || column.equals(NS_IN_OLDSTATE) && nsAsked) {
                return null;
            }
            if (column.equals(NS_IN_OLDSTATE)) {
                nsAsked = true;
                if (!footer.columns().contains(NS_IN_OLDSTATE)) {
                    viewAt[i] = -1;
                    continue;
                }
            }
            viewAt[i] = fileColumns.size();
            fileColumns.add(file);
        }
        List<String> read = new ArrayList<>(fileColumns);
        read.addAll(List.of(footer.timeColumn(), "life", "event", "family", "lport", "rport"));
        if (TraceScanner.unsupported(footer.parquet(), read) != null) {
            return null;
        }
        return new StateChangeScan(footer, fileColumns, viewAt, nsAsked);
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

    /**
     * The same rows as a stream that the caller pulls from, decoded ahead on a thread of its own.
     * A derived ns_in_oldstate needs every state change of a lifetime, so the filters are then
     * applied after the derivation instead of by the scanner.
     */
    public BatchStream open(int family, List<Integer> localPorts, List<Integer> remotePorts) {
        // time is always read: the format promises rows in time order, and the reports that
        // read a file in its order must refuse one that breaks the promise
        List<String> scanned = new ArrayList<>(fileColumns);
        Filter filter = null;
        if (nsDerived) {
            filter = new Filter(
                    family == 0 ? -1 : scannedAt(scanned, "family"),
                    family,
                    localPorts.isEmpty() ? -1 : scannedAt(scanned, "lport"),
                    sortedLongs(localPorts),
                    remotePorts.isEmpty() ? -1 : scannedAt(scanned, "rport"),
                    sortedLongs(remotePorts));
        }
        int timeAt = scannedAt(scanned, footer.timeColumn());
        int lifeAt = nsDerived ? scannedAt(scanned, "life") : -1;
        TraceScanner scanner;
        try {
            scanner = TraceScanner.open(footer.path(), footer.parquet(), scanned, BATCH_ROWS);
        } catch (IOException e) {
            throw new UserError(footer.path() + ": cannot read: " + e.getMessage(), e);
        }
        scanner.whereEquals("event", STATE_CHANGE);
        if (!nsDerived) {
            if (family != 0) {
                scanner.whereIn("family", new long[] {family});
            }
            if (!localPorts.isEmpty()) {
                scanner.whereIn("lport", sortedLongs(localPorts));
            }
            if (!remotePorts.isEmpty()) {
                scanner.whereIn("rport", sortedLongs(remotePorts));
            }
        }
        return new Decoded(scanner, scanned, timeAt, lifeAt, filter);
    }

    /** Where the column is among those scanned, added at the end when it was not. */
    private static int scannedAt(List<String> scanned, String column) {
        if (!scanned.contains(column)) {
            scanned.add(column);
        }
        return scanned.indexOf(column);
    }

    /** One batch of the scan, with the ns_in_oldstate derived for its rows. */
    private static final class Batch {
        final ScanBatch scan;
        final ColumnVector ns = new ColumnVector();
        int rows;

        Batch(ScanBatch scan) {
            this.scan = scan;
        }
    }

    /** tcpstates' filters, applied to rows after ns_in_oldstate was derived (a column -1: not filtered). */
    private record Filter(int familyAt, int family, int lportAt, long[] lports, int rportAt, long[] rports) {
        boolean any() {
            return familyAt >= 0 || lportAt >= 0 || rportAt >= 0;
        }

        boolean keeps(ScanBatch batch, int row) {
            return (familyAt < 0 || batch.column(familyAt).getLong(row) == family)
                    && (lportAt < 0
                            || java.util.Arrays.binarySearch(
                                            lports, batch.column(lportAt).getLong(row))
                                    >= 0)
                    && (rportAt < 0
                            || java.util.Arrays.binarySearch(
                                            rports, batch.column(rportAt).getLong(row))
                                    >= 0);
        }
    }

    /** Batches decoded ahead: the scanner fills one on its thread while the caller reads another. */
    private final class Decoded implements BatchStream {
        private final TraceScanner scanner;
        private final int timeAt;
        private final int lifeAt;
        private final Filter filter;
        private final boolean[] strings;
        private final StateTimes times;
        private final BackgroundQueue<Batch> decoded;
        private Batch current;

        Decoded(TraceScanner scanner, List<String> scanned, int timeAt, int lifeAt, Filter filter) {
            this.scanner = scanner;
            this.timeAt = timeAt;
            this.lifeAt = lifeAt;
            this.filter = filter != null && filter.any() ? filter : null;
            this.times = lifeAt >= 0 ? new StateTimes(footer.rows()) : null;
            List<Batch> batches = new ArrayList<>();
            for (int i = 0; i < BATCHES; i++) {
                batches.add(new Batch(scanner.newBatch()));
            }
            this.strings = new boolean[scanned.size()];
            for (int c = 0; c < strings.length; c++) {
                strings[c] = STRINGS.contains(scanned.get(c));
            }
            decoded = BackgroundQueue.reading("tcprec-trace-scan", batches, this::decode);
        }

        private void decode(BackgroundQueue.Sink<Batch> out) throws InterruptedException {
            long lastTime = Long.MIN_VALUE;
            try {
                Batch batch = null;
                while (true) {
                    if (batch == null) {
                        batch = out.free();
                    }
                    if (!scanner.next(batch.scan)) {
                        return;
                    }
                    ColumnVector time = batch.scan.column(timeAt);
                    for (int i = 0; i < batch.scan.rows(); i++) {
                        long t = time.getLong(i);
                        if (t < lastTime) {
                            throw new UserError(footer.path() + " is damaged: its rows are not in time order, "
                                    + "as the format requires (a state change at " + t + " ns follows one at "
                                    + lastTime
                                    + " ns)");
                        }
                        lastTime = t;
                    }
                    batch.rows = batch.scan.rows();
                    if (times != null) {
                        derive(batch);
                    }
                    if (batch.rows > 0) {
                        out.put(batch);
                        batch = null;
                    }
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

        /** ns_in_oldstate of every state change (0 for a lifetime's first, as the view's coalesce), then the filters. */
        private void derive(Batch batch) {
            int n = batch.rows;
            ColumnVector life = batch.scan.column(lifeAt);
            ColumnVector time = batch.scan.column(timeAt);
            long[] ns = batch.ns.longs(n);
            for (int i = 0; i < n; i++) {
                if (life.isNull(i)) {
                    throw new UserError(footer.path() + " is damaged: a state change without life");
                }
                long since;
                try {
                    since = times.next(life.getLong(i), time.getLong(i));
                } catch (IllegalArgumentException e) {
                    throw new UserError(footer.path() + " is damaged: " + e.getMessage(), e);
                }
                ns[i] = since == StateTimes.FIRST ? 0 : since;
            }
            batch.ns.hasNulls(false);
            if (filter == null) {
                return;
            }
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (filter.keeps(batch.scan, i)) {
                    if (kept != i) {
                        for (int c = 0; c < strings.length; c++) {
                            move(batch.scan.column(c), strings[c], i, kept);
                        }
                        ns[kept] = ns[i];
                    }
                    kept++;
                }
            }
            batch.rows = kept;
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
            if (nsAsked && !nsDerived) {
                // the view's coalesce: the scan gave its null rows the value 0 already
                current.scan.column(viewIndexOfStoredNs()).hasNulls(false);
            }
            return true;
        }

        @Override
        public int rows() {
            return current == null ? 0 : current.rows;
        }

        @Override
        public ColumnVector column(int index) {
            return viewAt[index] < 0 ? current.ns : current.scan.column(viewAt[index]);
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

    /** Where the stored ns_in_oldstate is among the file columns. */
    private int viewIndexOfStoredNs() {
        return fileColumns.indexOf(NS_IN_OLDSTATE);
    }

    /** The file columns read as strings. */
    private static final java.util.Set<String> STRINGS =
            java.util.Set.of("comm", "laddr", "raddr", "oldstate", "newstate");

    /** Copies one row's value to an earlier row of the same vector (the filters' compaction). */
    private static void move(ColumnVector v, boolean string, int from, int to) {
        if (string) {
            int[] starts = v.starts(from + 1);
            int[] lengths = v.lengths(from + 1);
            starts[to] = starts[from];
            lengths[to] = lengths[from];
        } else {
            long[] longs = v.longs(from + 1);
            longs[to] = longs[from];
        }
        boolean[] nulls = v.nulls(from + 1);
        nulls[to] = nulls[from];
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
