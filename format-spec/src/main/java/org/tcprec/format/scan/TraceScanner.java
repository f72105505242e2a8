package org.tcprec.format.scan;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Type;

/**
 * Reads chosen columns of one trace file in file (time) order, in batches of rows held as
 * {@link ColumnVector}s, keeping only the rows that pass its conditions. This is the format's
 * own row reader, for the reports that print a line for most of a trace's rows: decoding the
 * pages here costs a fraction of an SQL engine's scan and export of the same values, and strings
 * stay in their dictionaries. Everything else reads traces through DuckDB. A batch never spans
 * two row groups.
 */
public final class TraceScanner implements AutoCloseable {
    private static final Set<Encoding> ENCODINGS = EnumSet.of(
            Encoding.PLAIN,
            Encoding.PLAIN_DICTIONARY,
            Encoding.RLE_DICTIONARY,
            Encoding.RLE,
            Encoding.DELTA_BINARY_PACKED,
            Encoding.DELTA_LENGTH_BYTE_ARRAY,
            Encoding.DELTA_BYTE_ARRAY);
    private static final Set<Encoding> STRING_ONLY =
            EnumSet.of(Encoding.DELTA_LENGTH_BYTE_ARRAY, Encoding.DELTA_BYTE_ARRAY);

    private final FileChannel channel;
    private final FileMetaData footer;
    private final int batchRows;
    /** File column index of each column the scan decodes: the ones asked for, then condition-only ones. */
    private final List<Integer> fileColumns = new ArrayList<>();

    private final int outputColumns;
    private final List<Condition> conditions = new ArrayList<>();
    private ColumnChunkReader[] readers;
    private boolean[] strings;
    private int rowGroup = -1;
    private long rowGroupLeft;
    private int[] selection = new int[0];
    private int[] identity = new int[0];
    private boolean batches;

    private TraceScanner(FileChannel channel, FileMetaData footer, List<String> columns, int batchRows) {
        this.channel = channel;
        this.footer = footer;
        this.batchRows = batchRows;
        for (String column : columns) {
            if (add(column) != fileColumns.size() - 1) {
                throw new IllegalArgumentException("column " + column + " asked for twice");
            }
        }
        this.outputColumns = columns.size();
    }

    /**
     * Why the scan cannot read these columns of this file (an encoding, codec or type it does not
     * decode, a column missing), or null when it can.
     */
    public static String unsupported(FileMetaData footer, List<String> columns) {
        for (String column : columns) {
            int index = columnIndex(footer, column);
            if (index < 0) {
                return "no column " + column;
            }
            SchemaElement element = footer.getSchema().get(index + 1);
            if (element.getType() != Type.INT32
                    && element.getType() != Type.INT64
                    && element.getType() != Type.BYTE_ARRAY) {
                return "column " + column + " has type " + element.getType();
            }
            if (element.getRepetition_type() == FieldRepetitionType.REPEATED) {
                return "column " + column + " is repeated";
            }
            for (RowGroup group : footer.getRow_groups()) {
                ColumnMetaData meta = group.getColumns().get(index).getMeta_data();
                if (meta == null) {
                    return "column " + column + " has no chunk metadata";
                }
                if (group.getColumns().get(index).isSetFile_path()) {
                    return "column " + column + " lives in another file";
                }
                if (meta.getCodec() != CompressionCodec.UNCOMPRESSED && meta.getCodec() != CompressionCodec.ZSTD) {
                    return "column " + column + " is compressed with " + meta.getCodec();
                }
                for (Encoding e : meta.getEncodings()) {
                    boolean strings = element.getType() == Type.BYTE_ARRAY;
                    if (!ENCODINGS.contains(e)
                            || e == Encoding.DELTA_BINARY_PACKED && strings
                            || STRING_ONLY.contains(e) && !strings) {
                        return "column " + column + " uses encoding " + e;
                    }
                }
            }
        }
        return null;
    }

    /** Opens the scan; the footer is the file's own (a trace's TraceFooter.parquet()) and must pass {@link #unsupported}. */
    public static TraceScanner open(Path file, FileMetaData footer, List<String> columns, int batchRows)
            throws IOException {
        String why = unsupported(footer, columns);
        if (why != null) {
            throw new IllegalArgumentException(file + ": " + why);
        }
        return new TraceScanner(FileChannel.open(file, StandardOpenOption.READ), footer, columns, batchRows);
    }

    /** Keeps only rows whose string column equals the value. */
    public TraceScanner whereEquals(String column, String value) {
        conditions.add(new Condition(add(column), value.getBytes(StandardCharsets.UTF_8), null));
        return this;
    }

    /** Keeps only rows whose integer column holds one of the values (and is not null). */
    public TraceScanner whereIn(String column, long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        conditions.add(new Condition(add(column), null, sorted));
        return this;
    }

    private int add(String column) {
        if (batches) {
            throw new IllegalStateException("conditions come before the first batch");
        }
        String why = unsupported(footer, List.of(column));
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        int index = columnIndex(footer, column);
        int at = fileColumns.indexOf(index);
        if (at >= 0) {
            return at;
        }
        fileColumns.add(index);
        return fileColumns.size() - 1;
    }

    private static int columnIndex(FileMetaData footer, String column) {
        List<SchemaElement> schema = footer.getSchema();
        for (int i = 1; i < schema.size(); i++) {
            if (schema.get(i).getName().equals(column)) {
                return i - 1;
            }
        }
        return -1;
    }

    /** A batch to pass to {@link #next}; a reader that formats one batch while the next is decoded needs two or more. */
    public ScanBatch newBatch() {
        batches = true;
        return new ScanBatch(fileColumns.size());
    }

    /** Loads the next rows that pass the conditions into the batch; false at the end of the file. */
    public boolean next(ScanBatch batch) throws IOException {
        ColumnVector[] vectors = batch.vectors;
        while (true) {
            while (rowGroupLeft == 0) {
                if (rowGroup + 1 >= footer.getRow_groups().size()) {
                    batch.rows = 0;
                    return false;
                }
                openRowGroup(++rowGroup);
            }
            int n = (int) Math.min(batchRows, rowGroupLeft);
            if (identity.length < n) {
                identity = identity(n);
            }
            // the conditions' columns first, whole; the others only at the rows that pass
            for (int c = 0; c < readers.length; c++) {
                if (isConditionColumn(c)) {
                    readers[c].startBatch();
                    readers[c].read(vectors[c], n, identity, 0, n);
                }
            }
            int kept = conditions.isEmpty() ? n : select(vectors, n);
            int[] rowsKept = conditions.isEmpty() ? identity : selection;
            for (int c = 0; c < readers.length; c++) {
                if (!isConditionColumn(c)) {
                    readers[c].startBatch();
                    readers[c].read(vectors[c], n, rowsKept, 0, kept);
                } else if (c < outputColumns && kept < n) {
                    compact(vectors[c], strings[c], kept, n);
                }
            }
            rowGroupLeft -= n;
            batch.rows = kept;
            if (kept > 0) {
                return true;
            }
        }
    }

    /**
     * 0..n-1. A loop of its own on purpose: run in next() the first time, its 65,536 turns had
     * the JIT compile all of next() with every decoder inlined, on the stack (0.7 s of C2 time).
     */
    private static int[] identity(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private boolean isConditionColumn(int c) {
        for (Condition condition : conditions) {
            if (condition.vector == c) {
                return true;
            }
        }
        return false;
    }

    private void openRowGroup(int index) {
        RowGroup group = footer.getRow_groups().get(index);
        readers = new ColumnChunkReader[fileColumns.size()];
        strings = new boolean[fileColumns.size()];
        for (int c = 0; c < readers.length; c++) {
            int column = fileColumns.get(c);
            SchemaElement element = footer.getSchema().get(column + 1);
            ColumnChunk chunk = group.getColumns().get(column);
            strings[c] = element.getType() == Type.BYTE_ARRAY;
            readers[c] = new ColumnChunkReader(
                    channel,
                    element.getName(),
                    element.getType(),
                    element.getRepetition_type() == FieldRepetitionType.OPTIONAL,
                    chunk.getMeta_data());
        }
        rowGroupLeft = group.getNum_rows();
    }

    /** Applies the conditions to the n rows of their columns: the rows kept, ascending, in selection; returns how many. */
    private int select(ColumnVector[] vectors, int n) {
        selection = selection.length >= n ? selection : new int[n];
        for (Condition condition : conditions) {
            condition.startBatch();
        }
        System.arraycopy(identity, 0, selection, 0, n);
        int kept = n;
        for (Condition condition : conditions) {
            kept = condition.filter(vectors[condition.vector], selection, kept);
        }
        return kept;
    }

    private void compact(ColumnVector v, boolean strings, int kept, int n) {
        boolean[] nulls = v.nulls(n);
        if (strings) {
            int[] starts = v.starts(n);
            int[] lengths = v.lengths(n);
            for (int k = 0; k < kept; k++) {
                int row = selection[k];
                starts[k] = starts[row];
                lengths[k] = lengths[row];
                nulls[k] = nulls[row];
            }
        } else {
            long[] longs = v.longs(n);
            for (int k = 0; k < kept; k++) {
                int row = selection[k];
                longs[k] = longs[row];
                nulls[k] = nulls[row];
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static final class Condition {
        private static final int CACHED = 4096;
        final int vector;
        private final byte[] equals;
        private final long[] in;
        /**
         * The verdicts on strings by start offset within this batch (0: not seen, 1: equal, 2: not):
         * dictionary-encoded rows of one value share one start, so most rows are one array read.
         */
        private final byte[] verdicts;

        Condition(int vector, byte[] equals, long[] in) {
            this.vector = vector;
            this.equals = equals;
            this.in = in;
            this.verdicts = equals == null ? null : new byte[CACHED];
        }

        void startBatch() {
            if (verdicts != null) {
                Arrays.fill(verdicts, (byte) 0);
            }
        }

        /** Keeps the rows of selection[0, n) that pass, in order; returns how many. */
        int filter(ColumnVector v, int[] selection, int n) {
            int kept = 0;
            for (int k = 0; k < n; k++) {
                int row = selection[k];
                if (test(v, row)) {
                    selection[kept++] = row;
                }
            }
            return kept;
        }

        private boolean test(ColumnVector v, int row) {
            if (v.isNull(row)) {
                return false;
            }
            if (equals == null) {
                return Arrays.binarySearch(in, v.getLong(row)) >= 0;
            }
            int start = v.start(row);
            if (start < CACHED && verdicts[start] != 0) {
                return verdicts[start] == 1;
            }
            boolean equal = v.length(row) == equals.length
                    && Arrays.equals(v.bytes(), start, start + equals.length, equals, 0, equals.length);
            if (start < CACHED) {
                verdicts[start] = (byte) (equal ? 1 : 2);
            }
            return equal;
        }
    }
}
