package org.tcprec.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;
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

    private final long rowGroupBytes;
    private final RowGroupFile out;
    private final SocketLifetimes lifetimes;
    private final Map<String, Binary> strings = RowGroupEncoder.stringCache();
    private RowGroupEncoder group;
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

    public void write(EventRow row) throws IOException {
        if (group == null) {
            group = new RowGroupEncoder(lifetimes, strings);
        }
        group.write(row);
        rows++;
        if (group.batchEncoded() && group.encodedBytes() >= rowGroupBytes) {
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
        byte[] bytes = group.finish();
        group = null;
        RowGroupCheckpoint checkpoint = out.append(bytes);
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
                out.templateFrom(RowGroupEncoder.emptyFile());
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
}
