package org.tcprec.format.scan;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One column of a batch of rows as plain Java arrays: 64-bit values, or strings as a start and
 * a length in a byte array, and a null flag per row. Reports read millions of values from these
 * with an array access each and copy a string's bytes straight into their output, without a
 * Java object per value. Its producers (a trace scan, a DuckDB result exported through Arrow,
 * rows a replay computes) fill the arrays it hands out; the arrays are reused from batch to
 * batch and grown when short.
 */
public final class ColumnVector {
    private long[] longs = new long[0];
    private int[] starts = new int[0];
    private int[] lengths = new int[0];
    private byte[] bytes = new byte[0];
    /** The array {@link #append} writes strings to: never one a producer shared through {@link #bytes(byte[])}. */
    private byte[] owned = bytes;

    private boolean[] nulls = new boolean[0];
    private boolean hasNulls;
    /** Rows appended since {@link #clear}, and where their strings end in the bytes. */
    private int size;

    /**
     * Where the strings' bytes end: every string of the rows lies in bytes()[0, stringsEnd), the
     * appended ones or those of a producer's array.
     */
    private int stringsEnd;

    /** The test {@link #everyStringByte} last answered for these strings, and its answer; null once they change. */
    private BytePredicate answeredTest;

    private boolean answer;

    /** A test of one byte of a string. */
    @FunctionalInterface
    public interface BytePredicate {
        boolean test(byte b);
    }

    /** Bytes a string vector holds past its last string (LineBuffer copies short strings a word at a time). */
    public static final int SLACK = 16;

    private static final java.lang.invoke.VarHandle WORD =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    public boolean isNull(int row) {
        return hasNulls && nulls[row];
    }

    public long getLong(int row) {
        return longs[row];
    }

    /** A string value's first byte in {@link #bytes()}. */
    public int start(int row) {
        return starts[row];
    }

    public int length(int row) {
        return lengths[row];
    }

    public byte[] bytes() {
        return bytes;
    }

    public String getString(int row) {
        return new String(bytes, starts[row], lengths[row], StandardCharsets.UTF_8);
    }

    /** The value array, at least rows long, for a producer to fill (growing it keeps what it held). */
    public long[] longs(int rows) {
        if (longs.length < rows) {
            longs = Arrays.copyOf(longs, Math.max(rows, longs.length + longs.length / 2));
        }
        return longs;
    }

    public int[] starts(int rows) {
        if (starts.length < rows) {
            starts = Arrays.copyOf(starts, Math.max(rows, starts.length + starts.length / 2));
        }
        return starts;
    }

    public int[] lengths(int rows) {
        if (lengths.length < rows) {
            lengths = Arrays.copyOf(lengths, Math.max(rows, lengths.length + lengths.length / 2));
        }
        return lengths;
    }

    /**
     * The byte array that starts and lengths point into (shared with the producer, not copied);
     * every string lies before end.
     */
    public void bytes(byte[] strings, int end) {
        this.bytes = strings;
        this.stringsEnd = end;
        answeredTest = null;
    }

    /**
     * Whether every byte of every string passes the test: one pass over the bytes the strings lie
     * in, answered once per batch, so that a printer that must treat some bytes apart tests a
     * batch once instead of each string it prints.
     */
    public boolean everyStringByte(BytePredicate test) {
        if (test != answeredTest) {
            boolean all = true;
            for (int i = 0; i < stringsEnd && all; i++) {
                all = test.test(bytes[i]);
            }
            answer = all;
            answeredTest = test;
        }
        return answer;
    }

    /** The null flags, at least rows long; {@link #hasNulls} says whether they are read at all. */
    public boolean[] nulls(int rows) {
        if (nulls.length < rows) {
            nulls = Arrays.copyOf(nulls, Math.max(rows, nulls.length + nulls.length / 2));
        }
        return nulls;
    }

    public void hasNulls(boolean any) {
        hasNulls = any;
    }

    /** Empties the column for {@link #append} (rows computed into it rather than loaded). */
    public void clear() {
        size = 0;
        stringsEnd = 0;
        hasNulls = false;
        bytes = owned;
        answeredTest = null;
    }

    public void append(long value) {
        if (size >= longs.length || size >= nulls.length) {
            growRows();
        }
        longs[size] = value;
        nulls[size++] = false;
    }

    public void appendNull() {
        if (size >= longs.length || size >= nulls.length || size >= starts.length) {
            growRows();
        }
        longs[size] = 0;
        starts[size] = stringsEnd;
        lengths[size] = 0;
        nulls[size++] = true;
        hasNulls = true;
    }

    /** Appends a string; the bytes keep {@link #SLACK} to spare past the last one, as readers of short strings expect. */
    public void append(byte[] source, int from, int length) {
        if (size >= starts.length || size >= nulls.length) {
            growRows();
        }
        if (bytes.length < stringsEnd + length + SLACK) {
            bytes = Arrays.copyOf(bytes, Math.max(stringsEnd + length + SLACK, bytes.length * 2));
            owned = bytes;
        }
        if (length <= SLACK && from + SLACK <= source.length) {
            // a short string as two words: the bytes past it are never read (SLACK is kept past the end)
            WORD.set(bytes, stringsEnd, (long) WORD.get(source, from));
            WORD.set(bytes, stringsEnd + Long.BYTES, (long) WORD.get(source, from + Long.BYTES));
        } else {
            System.arraycopy(source, from, bytes, stringsEnd, length);
        }
        starts[size] = stringsEnd;
        lengths[size] = length;
        stringsEnd += length;
        answeredTest = null;
        nulls[size++] = false;
    }

    /** Appended rows only: every array one row longer than the rows held, at least. */
    private void growRows() {
        int rows = Math.max(16, 2 * size);
        longs = Arrays.copyOf(longs, Math.max(rows, longs.length));
        starts = Arrays.copyOf(starts, Math.max(rows, starts.length));
        lengths = Arrays.copyOf(lengths, Math.max(rows, lengths.length));
        nulls = Arrays.copyOf(nulls, Math.max(rows, nulls.length));
    }
}
