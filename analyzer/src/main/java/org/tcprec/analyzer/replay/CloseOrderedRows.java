package org.tcprec.analyzer.replay;

import java.util.Arrays;
import java.util.function.Consumer;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;

/**
 * The rows on their way to the handler. The view orders by (close time, first time, skaddr)
 * and the file by time alone, so rows closing in the same nanosecond are put in the view's
 * order before they leave; a batch is handed over only between such groups.
 */
final class CloseOrderedRows implements ColumnBatch {
    /**
     * The rows leave in small batches, so that their batch boundaries are among what the JIT
     * profiles before it compiles (a boundary first met later costs a recompile).
     */
    private static final int OUTPUT_ROWS = 1024;

    private final boolean[] text;
    private final Consumer<ColumnBatch> handler;
    private ColumnVector[] out;
    private ColumnVector[] spare;
    private int rows;
    private long[] closeNs = new long[OUTPUT_ROWS];
    private long[] firstNs = new long[OUTPUT_ROWS];
    private long[] skaddrs = new long[OUTPUT_ROWS];
    private long lastClose = Long.MIN_VALUE;
    private boolean ties;

    /** text: which of the columns hold strings; the handler takes each batch as it leaves. */
    CloseOrderedRows(boolean[] text, Consumer<ColumnBatch> handler) {
        this.text = text;
        this.handler = handler;
        int width = text.length;
        out = new ColumnVector[width];
        spare = new ColumnVector[width];
        for (int i = 0; i < width; i++) {
            out[i] = new ColumnVector();
            out[i].clear();
            spare[i] = new ColumnVector();
        }
    }

    /** A row's sort key, before its columns are appended. */
    void row(long close, long first, long sk) {
        // a full batch leaves, but never between rows closing in the same nanosecond
        if (rows >= OUTPUT_ROWS && close != lastClose) {
            handOver();
        }
        if (rows == closeNs.length) {
            closeNs = Arrays.copyOf(closeNs, rows * 2);
            firstNs = Arrays.copyOf(firstNs, rows * 2);
            skaddrs = Arrays.copyOf(skaddrs, rows * 2);
        }
        // without a branch: one taken for the first time late in a run (ties are rare)
        // makes the JIT throw away and recompile the code around it
        ties |= close == lastClose;
        lastClose = close;
        closeNs[rows] = close;
        firstNs[rows] = first;
        skaddrs[rows] = sk;
        rows++;
    }

    void handOver() {
        if (ties) {
            sortTies();
        }
        if (rows > 0) {
            handler.accept(this);
        }
        rows = 0;
        ties = false;
        for (ColumnVector c : out) {
            c.clear();
        }
    }

    /**
     * The view orders by (close time, first time, skaddr) and the file by time alone:
     * rows closing in the same nanosecond are put in the view's order.
     */
    private void sortTies() {
        Integer[] order = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> closeNs[a] != closeNs[b]
                        ? Long.compare(closeNs[a], closeNs[b])
                        : firstNs[a] != firstNs[b]
                                ? Long.compare(firstNs[a], firstNs[b])
                                : Long.compareUnsigned(skaddrs[a], skaddrs[b]));
        for (int c = 0; c < out.length; c++) {
            spare[c].clear();
            for (int i = 0; i < rows; i++) {
                copy(out[c], order[i], spare[c], text[c]);
            }
        }
        ColumnVector[] sorted = spare;
        spare = out;
        out = sorted;
        for (long[] key : new long[][] {closeNs, firstNs, skaddrs}) {
            long[] copy = key.clone();
            for (int i = 0; i < rows; i++) {
                key[i] = copy[order[i]];
            }
        }
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public ColumnVector column(int index) {
        return out[index];
    }

    /** Row {@code row} of one column appended to another. */
    static void copy(ColumnVector from, int row, ColumnVector to, boolean text) {
        if (from.isNull(row)) {
            to.appendNull();
        } else if (text) {
            to.append(from.bytes(), from.start(row), from.length(row));
        } else {
            to.append(from.getLong(row));
        }
    }
}
