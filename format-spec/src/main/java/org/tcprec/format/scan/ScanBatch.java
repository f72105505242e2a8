package org.tcprec.format.scan;

/**
 * One batch of a {@link TraceScanner}: its columns, in the order the scan was opened with,
 * followed by the columns only its conditions read. A scan fills one batch while its reader
 * formats another, so each batch owns its vectors.
 */
public final class ScanBatch implements ColumnBatch {
    final ColumnVector[] vectors;
    int rows;

    ScanBatch(int columns) {
        vectors = new ColumnVector[columns];
        for (int i = 0; i < columns; i++) {
            vectors[i] = new ColumnVector();
        }
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public ColumnVector column(int index) {
        return vectors[index];
    }
}
