package org.tcprec.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * Writes a trace. Rows go into a row group encoded in memory; a group full enough, or one the
 * caller closes with {@link #closeRowGroup()}, goes to the file at once (see {@link RowGroupFile}),
 * so a long recording's file grows as it runs. The metadata is given at close, when the
 * recording's final counts are known; the file is only valid once closed (callers write to a
 * temporary name and rename). An existing file is truncated and keeps its permissions, so callers
 * can create it with the mode they want first.
 */
public final class TraceWriter implements AutoCloseable {
    /** Rows per row group: large groups compress best; readers use the footer's statistics. */
    private static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;
    /** How often (in rows) the open group's size is looked at; asking costs a walk over its columns. */
    private static final int SIZE_CHECK_ROWS = 100;

    private final long rowGroupBytes;
    private final RowGroupFile out;
    private final SocketLifetimes lifetimes;
    private ParquetWriter<EventRow> group;
    private ByteArrayOutputStream groupBytes;
    private long groupRows;
    private TraceMetadata metadata;
    private long brokenLifetimes = -1;
    private long rows;
    private boolean closed;

    public TraceWriter(Path file) throws IOException {
        this(file, ROW_GROUP_BYTES);
    }

    /** A writer whose row groups hold about rowGroupBytes each: small ones let tests cover several groups. */
    public TraceWriter(Path file, long rowGroupBytes) throws IOException {
        this(rowGroupBytes, RowGroupFile.create(file), new SocketLifetimes(), 0);
    }

    private TraceWriter(long rowGroupBytes, RowGroupFile out, SocketLifetimes lifetimes, long rows) {
        this.rowGroupBytes = rowGroupBytes;
        this.out = out;
        this.lifetimes = lifetimes;
        this.rows = rows;
    }

    /**
     * Goes on writing a trace that a killed writer left: the file is cut back to the end of the
     * last checkpoint, and the rows that follow continue from {@code state}, what {@link #state()}
     * returned right after that checkpoint.
     */
    public static TraceWriter resume(Path file, List<RowGroupCheckpoint> checkpoints, byte[] state, long rows)
            throws IOException {
        SocketLifetimes lifetimes = state == null ? new SocketLifetimes() : SocketLifetimes.restore(state);
        return new TraceWriter(ROW_GROUP_BYTES, RowGroupFile.resume(file, checkpoints), lifetimes, rows);
    }

    /**
     * Encodes a row group of one row in memory and reads it back, so that the classes a first
     * row group needs are loaded before a recording starts: on a busy host loading them takes
     * seconds, which a recording would otherwise spend behind on its first group.
     */
    public static void prepare(EventRow sample) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ParquetWriter<EventRow> w = groupWriter(new MemoryOutputFile(bytes), new SocketLifetimes())) {
            w.write(sample);
        }
        RowGroupFile.footerOf(bytes.toByteArray(), 0, bytes.size());
    }

    public void write(EventRow row) throws IOException {
        if (group == null) {
            groupBytes = new ByteArrayOutputStream(1 << 20);
            group = groupWriter(new MemoryOutputFile(groupBytes), lifetimes);
        }
        group.write(row);
        rows++;
        if (++groupRows % SIZE_CHECK_ROWS == 0 && group.getDataSize() >= rowGroupBytes) {
            closeRowGroup();
        }
    }

    public long rows() {
        return rows;
    }

    /**
     * Encodes the open row group, if it has rows, appends it to the file and makes it durable;
     * returns its checkpoint, or null when there was nothing to close.
     */
    public RowGroupCheckpoint closeRowGroup() throws IOException {
        if (group == null) {
            return null;
        }
        group.close();
        group = null;
        groupRows = 0;
        RowGroupCheckpoint checkpoint = out.append(groupBytes.toByteArray());
        groupBytes = null;
        out.sync();
        return checkpoint;
    }

    /** What the writer carries from one row group to the next (see {@link #resume}). */
    public byte[] state() {
        return lifetimes.save();
    }

    /** Bytes of the file written so far (closed row groups). */
    public long fileBytes() {
        return out.length();
    }

    private static ParquetWriter<EventRow> groupWriter(OutputFile target, SocketLifetimes shared) throws IOException {
        Builder builder = new Builder(target, shared);
        for (Column column : Column.HIGH_CARDINALITY) {
            // Nearly every value differs: a dictionary would be built, hashed into and dropped
            // again for each page. Delta encoding suits these (sorted times, growing counters).
            builder = builder.withDictionaryEncoding(column.columnName(), false);
        }
        return builder.withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ZstdCodecs())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                // a group is closed by this writer, so parquet-java must not split it
                .withRowGroupSize(Long.MAX_VALUE)
                .withDictionaryEncoding(true)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withPageWriteChecksumEnabled(true)
                .build();
    }

    /** Sets the metadata stored in the footer; must be called before {@link #close()}. */
    public void metadata(TraceMetadata metadata) {
        this.metadata = metadata;
    }

    /** The footer: the metadata given, with what this writer derived from the rows in place of any copy of it. */
    private Map<String, String> footer(long brokenLifetimes) {
        if (metadata == null) {
            throw new IllegalStateException("trace metadata was not set before close");
        }
        this.brokenLifetimes = brokenLifetimes;
        Map<String, String> footer = new LinkedHashMap<>();
        footer.put(TraceSchema.FORMAT_VERSION_KEY, TraceSchema.VERSION);
        footer.put(
                TraceSchema.METADATA_KEY,
                JsonCodec.write(metadata.withLifetimes(new TraceMetadata.Lifetimes(brokenLifetimes, null))));
        return footer;
    }

    /**
     * Writes the last row group and the footer, with the checksums. Without metadata (a writer
     * given up after an error) the file is only closed; it is incomplete either way.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (metadata == null) {
                return;
            }
            closeRowGroup();
            if (out.empty()) {
                ByteArrayOutputStream empty = new ByteArrayOutputStream();
                groupWriter(new MemoryOutputFile(empty), new SocketLifetimes()).close();
                out.templateFrom(empty.toByteArray());
            }
            out.finish(footer(lifetimes.broken()));
        } finally {
            out.close();
        }
    }

    /** The lifetimes the rows broke (see {@code lifetimes} in format-spec/README.md), once closed; -1 before. */
    public long brokenLifetimes() {
        return brokenLifetimes;
    }

    private static final class Builder extends ParquetWriter.Builder<EventRow, Builder> {
        private final SocketLifetimes lifetimes;

        Builder(OutputFile file, SocketLifetimes lifetimes) {
            super(file);
            this.lifetimes = lifetimes;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<EventRow> getWriteSupport(ParquetConfiguration conf) {
            return new TraceWriteSupport(broken -> Map.of(), lifetimes);
        }

        @Override
        protected WriteSupport<EventRow> getWriteSupport(Configuration conf) {
            return new TraceWriteSupport(broken -> Map.of(), lifetimes);
        }
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
