package org.tcprec.format.scan;

/**
 * Rows held as columns of Java arrays: a batch of a trace scan, of a DuckDB result, or rows a
 * replay computed. Reports format any of them with the same code.
 */
public interface ColumnBatch {
    int rows();

    ColumnVector column(int index);
}
