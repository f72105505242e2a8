package org.tcprec.analyzer.trace;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.scan.ColumnVector;

/**
 * A DuckDB result read as column batches through the Arrow C data interface, without a Java
 * object per value. Reports that print millions of lines spend most of their time moving
 * values out of DuckDB: through JDBC getters each string becomes a Java String (about 2 µs a
 * row for a tcpstates line here); through Arrow batches the bytes are copied straight into the
 * output. The batches are read with JNA into Java arrays, so no Arrow Java library (and
 * none of its sun.misc.Unsafe use, which newer JDKs warn about) is needed.
 *
 * <p>Columns must be BIGINT or UBIGINT (Arrow formats "l", "L": read as the same 64 bits),
 * INTEGER ("i", read as a long) or VARCHAR ("u"); queries cast to those.
 * DuckDB exposes the stream only to Arrow Java, so the native export call is reached by
 * reflection; the pinned DuckDB version and the analyzer's tests keep that honest.
 */
public final class ColumnBatches implements BatchStream {
    // struct ArrowArrayStream { get_schema, get_next, get_last_error, release, private_data }
    private static final int STREAM_GET_SCHEMA = 0;
    private static final int STREAM_GET_NEXT = 8;
    private static final int STREAM_GET_LAST_ERROR = 16;
    private static final int STREAM_RELEASE = 24;
    // struct ArrowArray { length, null_count, offset, n_buffers, n_children, buffers, children,
    //                     dictionary, release, private_data }: 80 bytes
    private static final int ARRAY_SIZE = 80;
    private static final int ARRAY_LENGTH = 0;
    private static final int ARRAY_NULL_COUNT = 8;
    private static final int ARRAY_OFFSET = 16;
    private static final int ARRAY_N_CHILDREN = 32;
    private static final int ARRAY_BUFFERS = 40;
    private static final int ARRAY_CHILDREN = 48;
    private static final int ARRAY_RELEASE = 64;
    // struct ArrowSchema { format, name, metadata, flags, n_children, children, dictionary,
    //                      release, private_data }: 72 bytes
    private static final int SCHEMA_SIZE = 72;
    private static final int SCHEMA_FORMAT = 0;
    private static final int SCHEMA_N_CHILDREN = 32;
    private static final int SCHEMA_CHILDREN = 40;
    private static final int SCHEMA_RELEASE = 56;

    private static final Field RESULT_REF;
    private static final Method ARROW_STREAM;

    static {
        try {
            RESULT_REF = org.duckdb.DuckDBResultSet.class.getDeclaredField("resultRef");
            RESULT_REF.setAccessible(true);
            ARROW_STREAM = Class.forName("org.duckdb.DuckDBNative")
                    .getDeclaredMethod("duckdb_jdbc_arrow_stream", ByteBuffer.class, long.class);
            ARROW_STREAM.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Batches fetched ahead: DuckDB fills the next while the caller formats this one. */
    private static final int AHEAD = 3;
    private static final Memory END = new Memory(ARRAY_SIZE);

    private final Pointer stream;
    private final char[] formats;
    private final ArrowColumn[] columns;
    private final java.util.concurrent.BlockingQueue<Object> fetched = new java.util.concurrent.ArrayBlockingQueue<>(AHEAD);
    private final Thread fetcher;
    private volatile boolean closing;
    private int rows;
    private boolean ended;

    private ColumnBatches(Pointer stream, char[] formats) {
        this.stream = stream;
        this.formats = formats;
        this.columns = new ArrowColumn[formats.length];
        for (int i = 0; i < formats.length; i++) {
            columns[i] = new ArrowColumn();
        }
        fetcher = new Thread(this::fetch, "tcprec-result-fetch");
        fetcher.setDaemon(true);
        fetcher.start();
    }

    /** The fetch thread: the stream's batches into the queue, then END (or the failure). */
    private void fetch() {
        try {
            while (!closing) {
                Memory next = new Memory(ARRAY_SIZE);
                next.clear();
                check(stream, call(stream, STREAM_GET_NEXT, next));
                if (Pointer.nativeValue(next.getPointer(ARRAY_RELEASE)) == 0) {
                    break;
                }
                fetched.put(next);
            }
            fetched.put(END);
        } catch (RuntimeException e) {
            putQuietly(e);
        } catch (InterruptedException e) {
            putQuietly(END);
        }
    }

    private void putQuietly(Object item) {
        try {
            fetched.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes over the result set's rows; the result set must not be read otherwise. */
    public static ColumnBatches of(ResultSet rs, long batchRows) {
        Pointer stream;
        try {
            Object ref = RESULT_REF.get(rs.unwrap(org.duckdb.DuckDBResultSet.class));
            stream = new Pointer((Long) ARROW_STREAM.invoke(null, ref, batchRows));
        } catch (ReflectiveOperationException | SQLException e) {
            throw new IllegalStateException("DuckDB did not export the result as Arrow", e);
        }
        Memory schema = new Memory(SCHEMA_SIZE);
        schema.clear();
        check(stream, call(stream, STREAM_GET_SCHEMA, schema));
        int n = (int) schema.getLong(SCHEMA_N_CHILDREN);
        char[] formats = new char[n];
        Pointer children = schema.getPointer(SCHEMA_CHILDREN);
        for (int i = 0; i < n; i++) {
            String format = children.getPointer((long) i * Long.BYTES).getPointer(SCHEMA_FORMAT).getString(0, "UTF-8");
            if (!format.equals("l") && !format.equals("L") && !format.equals("i") && !format.equals("u")) {
                release(schema, SCHEMA_RELEASE);
                release(stream, STREAM_RELEASE);
                throw new IllegalArgumentException("column " + i + " has Arrow format '" + format
                        + "'; cast it to BIGINT, UBIGINT, INTEGER or VARCHAR");
            }
            formats[i] = format.charAt(0);
        }
        release(schema, SCHEMA_RELEASE);
        return new ColumnBatches(stream, formats);
    }

    /**
     * Loads the next batch into the columns (copied, so its Arrow memory is released at once);
     * false at the end.
     */
    public boolean next() {
        if (ended) {
            return false;
        }
        Object item;
        try {
            item = fetched.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reading the query's rows");
        }
        if (item instanceof RuntimeException e) {
            ended = true;
            throw e;
        }
        if (item == END) {
            ended = true;
            return false;
        }
        Memory array = (Memory) item;
        try {
            rows = (int) array.getLong(ARRAY_LENGTH);
            long parentOffset = array.getLong(ARRAY_OFFSET);
            Pointer children = array.getPointer(ARRAY_CHILDREN);
            if (array.getLong(ARRAY_N_CHILDREN) != columns.length) {
                throw new IllegalStateException("Arrow batch has " + array.getLong(ARRAY_N_CHILDREN) + " columns");
            }
            for (int i = 0; i < columns.length; i++) {
                columns[i].load(children.getPointer((long) i * Long.BYTES), parentOffset, rows, formats[i]);
            }
        } finally {
            release(array, ARRAY_RELEASE);
        }
        return true;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public ColumnVector column(int index) {
        return columns[index].vector;
    }

    @Override
    public void close() {
        closing = true;
        // let the fetch thread finish, releasing what it fetched and nobody will read
        while (fetcher.isAlive() || !fetched.isEmpty()) {
            Object item = fetched.poll();
            if (item instanceof Memory m && m != END) {
                release(m, ARRAY_RELEASE);
            } else if (item == null) {
                try {
                    fetcher.join(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        release(stream, STREAM_RELEASE);
    }

    /**
     * One column of a batch, copied out of Arrow's native buffers into the vector's Java arrays
     * when the batch is taken: one bulk copy per buffer, after which every value is a plain array
     * read. Read in place through direct ByteBuffers, each value paid bounds and memory-scope
     * checks, and the short strings of a report line (a comm, an address, a state) cost more to
     * copy than to print.
     */
    private static final class ArrowColumn {
        final ColumnVector vector = new ColumnVector();
        private int[] ints = new int[0];
        private int[] offsets = new int[0];
        private byte[] bitmap = new byte[0];
        private byte[] bytes = new byte[0];

        void load(Pointer child, long parentOffset, int rows, char format) {
            long offset = child.getLong(ARRAY_OFFSET) + parentOffset;
            Pointer buffers = child.getPointer(ARRAY_BUFFERS);
            Pointer nulls = buffers.getPointer(0);
            boolean hasNulls = child.getLong(ARRAY_NULL_COUNT) != 0 && nulls != null;
            if (hasNulls) {
                int bitmapBytes = (int) ((offset + rows + 7) / 8);
                bitmap = atLeast(bitmap, bitmapBytes);
                nulls.read(0, bitmap, 0, bitmapBytes);
                // DuckDB exports a validity bitmap for a nullable column even when every row is set
                hasNulls = !allValid(offset, rows);
                if (hasNulls) {
                    boolean[] isNull = vector.nulls(rows);
                    for (int i = 0; i < rows; i++) {
                        long bit = offset + i;
                        isNull[i] = (bitmap[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0;
                    }
                }
            }
            vector.hasNulls(hasNulls);
            Pointer v = buffers.getPointer(Long.BYTES);
            switch (format) {
                case 'l', 'L' -> v.read(offset * Long.BYTES, vector.longs(rows), 0, rows);
                case 'i' -> {
                    // INTEGER columns (pids, ports) arrive as 32 bits and are read as longs
                    ints = ints.length >= rows ? ints : new int[rows];
                    v.read(offset * Integer.BYTES, ints, 0, rows);
                    long[] longs = vector.longs(rows);
                    for (int i = 0; i < rows; i++) {
                        longs[i] = ints[i];
                    }
                }
                default -> {
                    offsets = offsets.length >= rows + 1 ? offsets : new int[rows + 1];
                    v.read(offset * Integer.BYTES, offsets, 0, rows + 1);
                    int first = offsets[0];
                    int end = offsets[rows];
                    Pointer d = buffers.getPointer(2L * Long.BYTES);
                    // slack past the last string: reports copy short strings a word at a time
                    bytes = atLeast(bytes, end - first + ColumnVector.SLACK);
                    if (end > first && d != null) {
                        d.read(first, bytes, 0, end - first);
                    }
                    int[] starts = vector.starts(rows);
                    int[] lengths = vector.lengths(rows);
                    for (int i = 0; i < rows; i++) {
                        starts[i] = offsets[i] - first;
                        lengths[i] = offsets[i + 1] - offsets[i];
                    }
                    vector.bytes(bytes);
                }
            }
        }

        private static byte[] atLeast(byte[] array, int length) {
            return array.length >= length ? array : new byte[Math.max(length, array.length + array.length / 2)];
        }

        /** Whether the bitmap's bits for rows [offset, offset + rows) are all set: a byte at a time where whole. */
        private boolean allValid(long offset, int rows) {
            long bit = offset;
            long end = offset + rows;
            while (bit < end && (bit & 7) != 0) {
                if ((bitmap[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
                    return false;
                }
                bit++;
            }
            while (bit + 8 <= end) {
                if (bitmap[(int) (bit >>> 3)] != (byte) 0xff) {
                    return false;
                }
                bit += 8;
            }
            while (bit < end) {
                if ((bitmap[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
                    return false;
                }
                bit++;
            }
            return true;
        }
    }

    private static int call(Pointer struct, int slot, Pointer argument) {
        return Function.getFunction(struct.getPointer(slot)).invokeInt(new Object[] {struct, argument});
    }

    private static void release(Pointer struct, int slot) {
        Pointer release = struct.getPointer(slot);
        if (release != null) {
            Function.getFunction(release).invokeVoid(new Object[] {struct});
        }
    }

    private static void check(Pointer stream, int errno) {
        if (errno != 0) {
            Pointer message = Function.getFunction(stream.getPointer(STREAM_GET_LAST_ERROR))
                    .invokePointer(new Object[] {stream});
            throw new UserError("query failed: " + (message == null ? "errno " + errno : message.getString(0, "UTF-8")));
        }
    }
}
