package org.tcprec.analyzer.db;

/**
 * Rows held as columns of Java arrays: a batch of a DuckDB result ({@link ColumnBatches}) or
 * rows a replay computed ({@link CompleteConnections}). Reports format any of them with the same code.
 */
public interface ColumnBatch {
    int rows();

    ColumnBatches.Column column(int index);
}
