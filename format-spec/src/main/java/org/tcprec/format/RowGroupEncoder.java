package org.tcprec.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV2;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Encodes the rows of one row group in memory, as a Parquet file of that one group, which
 * {@link RowGroupFile} then joins to the trace. Rows wait in a batch of columns and go to
 * parquet-java's column writers a column at a time: its record writer, taking the same rows a row
 * at a time, spent much of the recorder's busiest thread assembling records (bench/encoder.sh
 * times this writer against the column writers alone).
 */
final class RowGroupEncoder {
    /** Rows encoded together: enough for the column loops to run warm, few enough to stay in cache. */
    static final int BATCH_ROWS = 4096;

    /** Bound on the string cache; a trace's strings (names, states, comms, addresses) repeat a lot. */
    private static final int MAX_CACHED_STRINGS = 1 << 16;

    private static final MessageType SCHEMA = TraceSchema.messageType();
    private static final Column[] COLUMNS = Column.values();
    /** The writer settings of every trace (see {@link #properties()}); they hold no state of a writer's. */
    static final ParquetProperties PROPERTIES = properties();

    private final SocketLifetimes lifetimes;
    private final Map<String, Binary> binaries;
    private final ColumnChunkPageWriteStore pages;
    private final ColumnWriteStoreV2 store;
    private final ColumnWriter[] writers = new ColumnWriter[COLUMNS.length];
    private final int[] definedLevel = new int[COLUMNS.length];
    private final long[][] numbers = new long[COLUMNS.length][BATCH_ROWS];
    private final Binary[][] strings = new Binary[COLUMNS.length][];
    /** Per column, whether the row's value is null; numbers only (a null string is a null Binary). */
    private final boolean[][] nulls = new boolean[COLUMNS.length][BATCH_ROWS];

    private int batched;
    private long rows;

    /**
     * A group whose rows continue those before it: life carries on from {@code lifetimes}, and
     * strings are encoded to UTF-8 once through {@code binaries}, both shared from group to group.
     */
    RowGroupEncoder(SocketLifetimes lifetimes, Map<String, Binary> binaries) {
        this.lifetimes = lifetimes;
        this.binaries = binaries;
        pages = pageStore();
        store = new ColumnWriteStoreV2(SCHEMA, pages, PROPERTIES);
        List<ColumnDescriptor> descriptors = SCHEMA.getColumns();
        for (Column c : COLUMNS) {
            ColumnDescriptor d = descriptors.get(c.ordinal());
            writers[c.ordinal()] = store.getColumnWriter(d);
            definedLevel[c.ordinal()] = d.getMaxDefinitionLevel();
            if (c.physicalType() == PrimitiveTypeName.BINARY) {
                strings[c.ordinal()] = new Binary[BATCH_ROWS];
            }
        }
    }

    /**
     * The writer settings of every trace: data pages v2 (levels outside the compressed values, and
     * delta encodings where a dictionary is given up), dictionaries except for the columns whose
     * values rarely repeat, page checksums. One definition, for the trace writer and for the
     * encoding benchmark.
     */
    private static ParquetProperties properties() {
        ParquetProperties.Builder builder = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withAllocator(new HeapByteBufferAllocator())
                .withDictionaryEncoding(true)
                .withPageWriteChecksumEnabled(true);
        for (Column column : Column.HIGH_CARDINALITY) {
            // Nearly every value differs: a dictionary would be built, hashed into and dropped
            // again for each page. Delta encoding suits these (sorted times, growing counters).
            builder = builder.withDictionaryEncoding(column.columnName(), false);
        }
        return builder.build();
    }

    /**
     * A row group's page store: pages compressed with ZSTD, checksummed as {@link #PROPERTIES}
     * says, held in memory until the group is written. This constructor, not the builder of
     * parquet-java 1.18: Spark brings 1.17 to the fleet module, whose tests write traces.
     */
    static ColumnChunkPageWriteStore pageStore() {
        return new ColumnChunkPageWriteStore(
                new ZstdCodecs().getCompressor(CompressionCodecName.ZSTD),
                SCHEMA,
                PROPERTIES.getAllocator(),
                PROPERTIES.getColumnIndexTruncateLength(),
                PROPERTIES.getPageWriteChecksumEnabled());
    }

    void write(EventRow r) {
        int at = batched;
        number(Column.TIME_NS, at, r.timeNs());
        string(Column.EVENT, at, r.event());
        number(Column.CPU, at, r.cpu());
        number(Column.TGID, at, r.tgid());
        number(Column.TID, at, r.tid());
        string(Column.COMM, at, r.comm());
        number(Column.NETNS, at, r.netns());
        number(Column.CGROUP_ID, at, r.cgroupId());
        number(Column.SKADDR, at, r.skaddr());
        number(Column.FAMILY, at, r.family());
        string(Column.LADDR, at, r.laddr());
        number(Column.LPORT, at, r.lport());
        string(Column.RADDR, at, r.raddr());
        number(Column.RPORT, at, r.rport());
        string(Column.OLDSTATE, at, r.oldstate());
        string(Column.NEWSTATE, at, r.newstate());
        string(Column.STATE, at, r.state());
        number(Column.BYTES_ACKED, at, r.bytesAcked());
        number(Column.BYTES_RECEIVED, at, r.bytesReceived());
        number(Column.SOCK_COOKIE, at, r.sockCookie());
        number(Column.SKBADDR, at, r.skbaddr());
        number(Column.REQ, at, r.req());
        number(Column.ERR, at, r.err());
        number(Column.REASON, at, r.reason());
        number(Column.MARK, at, r.mark());
        number(Column.DATA_LEN, at, r.dataLen());
        number(Column.SND_NXT, at, r.sndNxt());
        number(Column.SND_UNA, at, r.sndUna());
        number(Column.SND_CWND, at, r.sndCwnd());
        number(Column.SSTHRESH, at, r.ssthresh());
        number(Column.SND_WND, at, r.sndWnd());
        number(Column.SRTT_US, at, r.srttUs());
        number(Column.RCV_WND, at, r.rcvWnd());
        number(Column.LIFE, at, lifetimes.next(r) ? (Integer) lifetimes.life() : null);
        rows++;
        if (++batched == BATCH_ROWS) {
            encodeBatch();
        }
    }

    /** Bytes the group holds so far, encoded; the rows of the batch not yet encoded are left out. */
    long encodedBytes() {
        return store.getBufferedSize();
    }

    /** Whether the last row written completed a batch, so that {@link #encodedBytes()} just changed. */
    boolean batchEncoded() {
        return batched == 0;
    }

    /** The group as a Parquet file of its own, with no key/value metadata; the encoder is spent. */
    byte[] finish() throws IOException {
        encodeBatch();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.toIntExact(Math.max(1024, encodedBytes())));
        ParquetFileWriter file = fileWriter(bytes);
        file.start();
        if (rows > 0) {
            file.startBlock(rows);
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
        }
        file.end(Map.of());
        store.close();
        pages.close();
        return bytes.toByteArray();
    }

    /** A Parquet file of the trace's schema with no row group: what a trace without rows is built from. */
    static byte[] emptyFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ParquetFileWriter file = fileWriter(bytes);
        file.start();
        file.end(Map.of());
        return bytes.toByteArray();
    }

    private static ParquetFileWriter fileWriter(ByteArrayOutputStream bytes) throws IOException {
        // a group is closed by the trace writer, so there is no block size to pad to
        return new ParquetFileWriter(
                new MemoryOutputFile(bytes),
                SCHEMA,
                ParquetFileWriter.Mode.OVERWRITE,
                Long.MAX_VALUE,
                0,
                null,
                PROPERTIES);
    }

    private void encodeBatch() {
        for (Column c : COLUMNS) {
            int i = c.ordinal();
            ColumnWriter w = writers[i];
            int defined = definedLevel[i];
            boolean[] isNull = nulls[i];
            switch (c.physicalType()) {
                case INT64 -> {
                    long[] values = numbers[i];
                    for (int r = 0; r < batched; r++) {
                        if (isNull[r]) {
                            w.writeNull(0, 0);
                        } else {
                            w.write(values[r], 0, defined);
                        }
                    }
                }
                case INT32 -> {
                    long[] values = numbers[i];
                    for (int r = 0; r < batched; r++) {
                        if (isNull[r]) {
                            w.writeNull(0, 0);
                        } else {
                            w.write((int) values[r], 0, defined);
                        }
                    }
                }
                default -> {
                    Binary[] values = strings[i];
                    for (int r = 0; r < batched; r++) {
                        if (values[r] == null) {
                            w.writeNull(0, 0);
                        } else {
                            w.write(values[r], 0, defined);
                        }
                    }
                }
            }
        }
        for (int r = 0; r < batched; r++) {
            store.endRecord();
        }
        batched = 0;
    }

    private void number(Column c, int at, long value) {
        numbers[c.ordinal()][at] = value;
        nulls[c.ordinal()][at] = false;
    }

    private void number(Column c, int at, Number value) {
        boolean isNull = value == null;
        nulls[c.ordinal()][at] = isNull;
        if (!isNull) {
            numbers[c.ordinal()][at] = value.longValue();
        }
    }

    private void string(Column c, int at, String value) {
        strings[c.ordinal()][at] = value == null ? null : binary(value);
    }

    /** UTF-8 encoding each string once instead of once per row was a quarter of the encoding time. */
    private Binary binary(String value) {
        Binary b = binaries.get(value);
        if (b == null) {
            if (binaries.size() >= MAX_CACHED_STRINGS) {
                binaries.clear();
            }
            b = Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
            binaries.put(value, b);
        }
        return b;
    }

    /** A fresh string cache for a writer's groups to share. */
    static Map<String, Binary> stringCache() {
        return new HashMap<>();
    }

    /** A Parquet file written into memory: one row group, before it joins the trace. */
    private record MemoryOutputFile(ByteArrayOutputStream bytes) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return createOrOverwrite(blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            bytes.reset();
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return bytes.size();
                }

                @Override
                public void write(int b) {
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes.write(b, off, len);
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
