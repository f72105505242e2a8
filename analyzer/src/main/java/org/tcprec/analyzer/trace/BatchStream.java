package org.tcprec.analyzer.trace;

import org.tcprec.format.scan.ColumnBatch;

/** Rows arriving batch by batch: a DuckDB result ({@link ResultSetBatches}) or a trace scan ({@link StateChangeScan}). */
public interface BatchStream extends ColumnBatch, AutoCloseable {
    /** Loads the next batch; false at the end. */
    boolean next();

    @Override
    void close();
}
