package org.tcprec.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * What the footer of a trace says, read without touching the row data: the format version, the
 * recording's metadata (as records, and as the document it is for those that show it whole:
 * {@code info --json}, the SQL table {@code meta}), the row count and the columns present, and the Parquet footer itself
 * (row groups, column chunks), which the format's own row reader (scan.TraceScanner) works from.
 */
public final class TraceFooter {
    private final Path path;
    private final String formatVersion;
    private final String metadataText;
    private final long rows;
    private final long fileBytes;
    private final int rowGroups;
    private final List<String> columns;
    private final FileMetaData parquet;
    private final TraceChecksums.Result checksums;
    /** The metadata as records and as a document, once bound; its text until then. */
    private volatile BoundMetadata bound;
    /** Held while the metadata is bound, so that it is bound once. */
    private final Object binding = new Object();

    private record BoundMetadata(TraceMetadata records, JsonNode document) {}

    private TraceFooter(
            Path path,
            String formatVersion,
            String metadataText,
            long rows,
            long fileBytes,
            int rowGroups,
            List<String> columns,
            FileMetaData parquet,
            TraceChecksums.Result checksums) {
        this.path = path;
        this.formatVersion = formatVersion;
        this.metadataText = metadataText;
        this.rows = rows;
        this.fileBytes = fileBytes;
        this.rowGroups = rowGroups;
        this.columns = List.copyOf(columns);
        this.parquet = parquet;
        this.checksums = checksums;
    }

    public Path path() {
        return path;
    }

    public String formatVersion() {
        return formatVersion;
    }

    public long rows() {
        return rows;
    }

    /** The file's size when its footer was read. */
    public long fileBytes() {
        return fileBytes;
    }

    public int rowGroups() {
        return rowGroups;
    }

    /** The columns the file has, in its schema's order. */
    public List<String> columns() {
        return columns;
    }

    /** The Parquet footer as Thrift reads it. */
    public FileMetaData parquet() {
        return parquet;
    }

    public TraceChecksums.Result checksums() {
        return checksums;
    }

    /** The recording's metadata, bound to its records. */
    public TraceMetadata metadata() {
        return bound().records();
    }

    /** The metadata document as the trace stores it. */
    public JsonNode metadataJson() {
        return bound().document();
    }

    /**
     * Binds the metadata document to its records, once; what {@link #readDeferringChecks} leaves
     * to the caller. The object binding is most of a small report's start, so a report does this
     * on a thread of its own while it reads the rows.
     *
     * @throws TraceFormatException when the document is not metadata the records can hold
     */
    public void bindMetadata() throws TraceFormatException {
        synchronized (binding) {
            if (bound != null) {
                return;
            }
            try {
                JsonNode document = JsonCodec.tree(metadataText);
                bound = new BoundMetadata(JsonCodec.metadata(document), document);
            } catch (IllegalArgumentException e) {
                throw new TraceFormatException(path + ": corrupt trace metadata (" + e.getMessage() + ")");
            }
        }
    }

    private BoundMetadata bound() {
        BoundMetadata b = bound;
        if (b != null) {
            return b;
        }
        try {
            bindMetadata();
        } catch (TraceFormatException e) {
            // a footer read with its checks deferred, used before its caller checked it
            throw new IllegalStateException(e.getMessage(), e);
        }
        return bound;
    }

    /** Largest Parquet footer a reader accepts (format-spec/README.md, "Limits"). */
    public static final int MAX_FOOTER_BYTES = 64 << 20;
    /** Most row groups a reader accepts: a 64 MiB row group holds millions of events. */
    public static final int MAX_ROW_GROUPS = 100_000;
    /** Most columns a reader accepts: this version writes 36, later minor versions add a few. */
    public static final int MAX_COLUMNS = 1_000;

    /** Suffix of the journal a recording in progress (or interrupted) keeps beside its output. */
    public static final String JOURNAL_SUFFIX = ".tcprec-journal";

    public static Path journalFor(Path trace) {
        Path absolute = trace.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + JOURNAL_SUFFIX);
    }

    /**
     * The footer of a trace, checked, its metadata bound, and its data checked against the
     * trace's checksums (when it has them).
     */
    public static TraceFooter read(Path path) throws TraceFormatException {
        TraceFooter footer = read(path, true);
        footer.bindMetadata();
        return footer;
    }

    /**
     * The footer of a trace, checked against the trace's checksums, its data and metadata not
     * yet: the caller runs {@link TraceChecksums#verifyData} and {@link #bindMetadata} before it
     * trusts anything it read from the data or the metadata.
     */
    public static TraceFooter readDeferringChecks(Path path) throws TraceFormatException {
        return read(path, false);
    }

    private static TraceFooter read(Path path, boolean checkData) throws TraceFormatException {
        if (!Files.exists(path)) {
            if (Files.exists(journalFor(path))) {
                OptionalLong recorder = JournalLocks.holder(journalFor(path));
                if (recorder.isPresent()) {
                    throw new TraceFormatException(JournalLocks.beingRecorded(path, recorder.getAsLong()));
                }
                throw new TraceFormatException(path + " was never finished (the recording was interrupted): "
                        + "run 'tcprec recover " + path + "' to turn its journal into a trace");
            }
            throw new TraceFormatException(path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new TraceFormatException(path + " is a directory, not a trace file");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(path, channel, checkData);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new TraceFormatException(path + ": permission denied" + ownership(path));
        } catch (IOException e) {
            throw new TraceFormatException(path + ": cannot read (" + firstLine(e) + ")");
        }
    }

    /** The footer, checked against the trace's checksums (when it has them) before anything uses it. */
    private static TraceFooter read(Path path, FileChannel channel, boolean checkData) throws TraceFormatException {
        FileMetaData footer;
        byte[] footerBytes;
        long size;
        long footerStart;
        try {
            size = channel.size();
            footerStart = size - 8 - TraceChecksums.footerLength(channel, size);
            footerBytes = TraceChecksums.read(channel, footerStart, (int) (size - 8 - footerStart));
            footer = Util.readFileMetaData(new ByteArrayInputStream(footerBytes));
        } catch (IOException | RuntimeException e) {
            throw new TraceFormatException(
                    path + " is not a tcprec trace: not a readable Parquet file (" + firstLine(e) + ")");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        if (footer.getKey_value_metadata() != null) {
            for (KeyValue pair : footer.getKey_value_metadata()) {
                kv.put(pair.getKey(), pair.getValue());
            }
        }
        String version = kv.get(TraceSchema.FORMAT_VERSION_KEY);
        if (version == null) {
            throw new TraceFormatException(path + " is a Parquet file but not a tcprec trace (no "
                    + TraceSchema.FORMAT_VERSION_KEY + " in its footer)");
        }
        TraceChecksums.Result checksums = TraceChecksums.verifyFooter(path, footerBytes, footer);
        if (checkData && checksums == TraceChecksums.Result.VERIFIED) {
            TraceChecksums.verifyData(path, channel, footer, footerStart);
        }
        checkVersion(path, version);
        if (footer.getSchema() == null || footer.getSchema().isEmpty()) {
            throw new TraceFormatException(path + " is not a tcprec trace: its Parquet footer has no schema");
        }
        if (footer.getSchema().size() > MAX_COLUMNS + 1
                || (footer.getRow_groups() != null && footer.getRow_groups().size() > MAX_ROW_GROUPS)) {
            throw new TraceFormatException(path + ": " + (footer.getSchema().size() - 1) + " columns in "
                    + (footer.getRow_groups() == null
                            ? 0
                            : footer.getRow_groups().size()) + " row groups, more than a trace may have ("
                    + MAX_COLUMNS + " columns, " + MAX_ROW_GROUPS + " row groups)");
        }
        List<String> columns = new ArrayList<>();
        boolean oldMajor = TraceSchema.major(version) < TraceSchema.MAJOR;
        // The first schema element is the root; the columns are its (flat) children.
        for (SchemaElement element :
                footer.getSchema().subList(1, footer.getSchema().size())) {
            Column known =
                    oldMajor && !element.getName().equals(TraceSchema.TIME_1X) ? null : Column.named(element.getName());
            boolean stored = oldMajor && element.getName().equals(TraceSchema.TIME_1X)
                    ? Column.storedAsTimestampNs(element)
                    : known == null || known.storedAs(element);
            if (!stored) {
                throw new TraceFormatException(path + ": column " + element.getName() + " is stored as "
                        + (element.isSetType() ? element.getType() : "a group")
                        + ", not as the trace format defines it");
            }
            columns.add(element.getName());
        }
        int rowGroups =
                footer.getRow_groups() == null ? 0 : footer.getRow_groups().size();
        return new TraceFooter(
                path,
                version,
                kv.getOrDefault(TraceSchema.METADATA_KEY, "{}"),
                footer.getNum_rows(),
                size,
                rowGroups,
                columns,
                footer,
                checksums);
    }

    /** The column holding the events' times, epoch nanoseconds: time_ns, or time in a 1.x file. */
    public String timeColumn() {
        return TraceSchema.timeColumn(formatVersion);
    }

    /** " (owner, mode)" of a file the reader may not open, to say whose it is; empty if that is unknown too. */
    private static String ownership(Path path) {
        try {
            return " (it belongs to " + Files.getOwner(path).getName() + ", mode "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(path)) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** Any Parquet file's footer as Thrift reads it (a trace's is also in {@link #parquet()}). */
    public static FileMetaData parquetFooter(Path path) throws IOException {
        return readFileMetaData(path, Files.size(path));
    }

    /**
     * Reads the Thrift footer directly: a Parquet file ends with the footer, its 4-byte length and
     * "PAR1". parquet-hadoop's reader would pull Hadoop classes in for the same bytes.
     */
    private static FileMetaData readFileMetaData(Path path, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long footerStart = size - 8 - TraceChecksums.footerLength(channel, size);
            return Util.readFileMetaData(new ByteArrayInputStream(
                    TraceChecksums.read(channel, footerStart, (int) (size - 8 - footerStart))));
        }
    }

    /**
     * A major version from the oldest this reader knows to its own: readable (a newer minor only
     * adds columns and keys, which readers ignore). Any other: refused, with what to do.
     */
    static void checkVersion(Path path, String version) throws TraceFormatException {
        int major;
        try {
            major = TraceSchema.major(version);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(path + ": unreadable trace format version '" + version + "'");
        }
        if (major > TraceSchema.MAJOR) {
            throw new TraceFormatException(path + " uses trace format " + version + ", newer than this tcprec reads ("
                    + TraceSchema.OLDEST_MAJOR + ".0 to " + TraceSchema.MAJOR + ".x): upgrade tcprec");
        }
        if (major < TraceSchema.OLDEST_MAJOR) {
            throw new TraceFormatException(path + " uses trace format " + version + ", older than this tcprec reads ("
                    + TraceSchema.OLDEST_MAJOR + ".0 to " + TraceSchema.MAJOR + ".x)");
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
