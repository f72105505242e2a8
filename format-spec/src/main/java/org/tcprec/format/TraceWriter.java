package org.tcprec.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * Writes a trace. The metadata is given at close, when the recording's final counts are
 * known; the file is only valid once closed (callers write to a temporary name and rename). An
 * existing file is truncated and keeps its permissions, so callers can create it with the mode
 * they want first.
 */
public final class TraceWriter implements AutoCloseable {
    /** Rows per row group: large groups compress best; readers use the footer's statistics. */
    private static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;

    private final Path file;
    private final ParquetWriter<EventRow> writer;
    private TraceMetadata metadata;
    private long brokenLifetimes = -1;
    private long rows;

    public TraceWriter(Path file) throws IOException {
        this(file, ROW_GROUP_BYTES);
    }

    /** A writer whose row groups hold about rowGroupBytes each: small ones let tests cover several groups. */
    public TraceWriter(Path file, long rowGroupBytes) throws IOException {
        this.file = file;
        LongFunction<Map<String, String>> footer = this::footer;
        Builder builder = new Builder(new LocalOutputFile(file), footer);
        for (Column column : Column.HIGH_CARDINALITY) {
            // Nearly every value differs: a dictionary would be built, hashed into and dropped
            // again for each page. Delta encoding suits these (sorted times, growing counters).
            builder = builder.withDictionaryEncoding(column.columnName(), false);
        }
        this.writer = builder
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ZstdCodecs())
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(rowGroupBytes)
                .withDictionaryEncoding(true)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withPageWriteChecksumEnabled(true)
                .build();
    }

    public void write(EventRow row) throws IOException {
        writer.write(row);
        rows++;
    }

    public long rows() {
        return rows;
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
        footer.put(TraceSchema.METADATA_KEY,
                JsonCodec.write(metadata.withLifetimes(new TraceMetadata.Lifetimes(brokenLifetimes, null))));
        return footer;
    }

    @Override
    public void close() throws IOException {
        writer.close();
        if (metadata != null) {
            TraceChecksums.seal(file);
        }
    }

    /** The lifetimes the rows broke (see {@code lifetimes} in format-spec/README.md), once closed; -1 before. */
    public long brokenLifetimes() {
        return brokenLifetimes;
    }

    private static final class Builder extends ParquetWriter.Builder<EventRow, Builder> {
        private final LongFunction<Map<String, String>> footer;

        Builder(OutputFile file, LongFunction<Map<String, String>> footer) {
            super(file);
            this.footer = footer;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<EventRow> getWriteSupport(ParquetConfiguration conf) {
            return new TraceWriteSupport(footer);
        }

        @Override
        protected WriteSupport<EventRow> getWriteSupport(Configuration conf) {
            return new TraceWriteSupport(footer);
        }
    }
}
