package org.tcprec.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.cli.support.FileOwner;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.format.RowGroupCheckpoint;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.journal.Journal;
import org.tcprec.recorder.journal.JournalReader;
import org.tcprec.recorder.wire.WireEvent;

/**
 * Finishes a trace from its journal (see {@link Journal}): the row groups the journal names are
 * kept from the file the recording was writing, which is cut back to the last of them; the
 * journal's events, put in time order, become the rows after them; then the footer. Used by
 * `tcprec recover` after a kill, and by the recorder itself after a write error. The only
 * difference a finished recording's journal makes is its STOP chunk.
 */
public final class TraceEncoder {
    /** Sorting the events of an old journal (all of a recording) a batch at a time keeps memory bounded. */
    private static final int SORT_BATCH = 1 << 16;

    /**
     * What encoding produced; brokenLifetimes is what the trace writer counted in the rows;
     * skippedStretches and skippedBytes are the damaged parts of the journal passed over.
     */
    public record Result(
            long rows,
            Map<String, Long> rowsByEvent,
            boolean complete,
            long tornBytes,
            TraceMetadata metadata,
            long brokenLifetimes,
            long skippedStretches,
            long skippedBytes) {}

    private TraceEncoder() {}

    /** Finishes the trace into {@code output}'s file and moves it into place, given to {@code owner}. */
    @SuppressWarnings("unchecked")
    public static Result encode(Path journal, OutputFile output, FileOwner owner) throws IOException {
        Path tmp = output.create();
        TraceMetadata start = null;
        TraceMetadata stop = null;
        TraceMetadata counters = null;
        Path dataFile = null;
        List<RowGroupCheckpoint> groups = new ArrayList<>();
        long namedGroups = 0;
        byte[] writerState = null;
        SortingWindow window = new SortingWindow();
        Opened opened = null;
        int held = 0;
        try (JournalReader reader = new JournalReader(journal)) {
            if (reader.wireRecordSize() != WireEvent.SIZE) {
                throw new IOException(journal + " holds " + reader.wireRecordSize()
                        + "-byte records; this tcprec reads " + WireEvent.SIZE + "-byte records");
            }
            for (JournalReader.Chunk chunk = reader.next(); chunk != null; chunk = reader.next()) {
                switch (chunk.kind()) {
                    case START -> start = chunk(journal, chunk);
                    case COUNTERS -> counters = chunk(journal, chunk);
                    case STOP -> stop = chunk(journal, chunk);
                    case DATA_FILE -> dataFile = Path.of(text(chunk.payload()));
                    case ROW_GROUP -> groups.add(RowGroupCheckpoint.fromBytes(chunk.payload()));
                    case GROUPS -> namedGroups = groupCount(journal, chunk.payload());
                    case WRITER_STATE -> writerState = bytes(chunk.payload());
                    case EVENTS, EVENTS_ZSTD -> {
                        if (opened == null) {
                            opened = open(journal, output, tmp, start, dataFile, groups, namedGroups, writerState);
                        }
                        ByteBuffer records = chunk.kind() == Journal.Kind.EVENTS
                                ? chunk.payload()
                                : decompress(journal, chunk.payload());
                        window.add(records);
                        held += records.remaining() / WireEvent.SIZE;
                        if (held >= SORT_BATCH) {
                            window.releaseSettled(opened.rows());
                            held = 0;
                        }
                    }
                }
            }
            if (opened == null) {
                opened = open(journal, output, tmp, start, dataFile, groups, namedGroups, writerState);
            }
            window.releaseAll(opened.rows());
            RowEncoder rows = opened.rows();
            TraceMetadata metadata = RecordingMetadata.footer(
                    start, counters, stop, rows.rowsByEvent(), rows.rows(), reader.unreadBytes());
            opened.writer().metadata(metadata);
            opened.writer().close();
            if (!opened.file().equals(tmp)) {
                Files.move(opened.file(), tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            output.commit(owner);
            removeLeftFile(journal, dataFile, tmp, output.target());
            return new Result(
                    rows.rows(),
                    rows.rowsByEvent(),
                    stop != null,
                    reader.unreadBytes(),
                    metadata,
                    opened.writer().brokenLifetimes(),
                    reader.skippedStretches(),
                    reader.skippedBytes());
        } finally {
            if (opened != null) {
                try {
                    opened.writer().close();
                } catch (IOException | RuntimeException e) {
                    // already failing; the data file is cut back again by the next attempt
                }
            }
            output.abandon();
        }
    }

    /** The trace writer, on the file it writes, and the encoder of the rows that follow the groups kept. */
    private record Opened(TraceWriter writer, Path file, RowEncoder rows) {}

    @SuppressWarnings("unchecked")
    private static Opened open(
            Path journal,
            OutputFile output,
            Path tmp,
            TraceMetadata start,
            Path dataFile,
            List<RowGroupCheckpoint> inJournal,
            long namedGroups,
            byte[] writerState)
            throws IOException {
        if (start == null) {
            throw new IOException(journal + " has no readable start record");
        }
        ClockSample startClock =
                start.clocks() == null ? null : ClockSample.of(start.clocks().start());
        if (startClock == null) {
            throw new IOException(journal + " has a start record without its start clock");
        }
        if (inJournal.isEmpty() && namedGroups == 0) {
            TraceWriter writer = new TraceWriter(tmp);
            return new Opened(writer, tmp, new RowEncoder(writer, startClock, 0, Map.of()));
        }
        if (dataFile == null || writerState == null) {
            throw new IOException(journal + " names row groups but not "
                    + (dataFile == null ? "their file" : "the " + "writer's state after them"));
        }
        if (!dataFile.equals(tmp)) {
            checkDataFile(journal, dataFile, output.target());
        }
        List<RowGroupCheckpoint> groups = inJournal;
        if (namedGroups > 0) {
            if (!inJournal.isEmpty()) {
                throw new IOException(journal + " names row groups both in itself and in a groups file");
            }
            groups = readGroups(journal, dataFile, namedGroups, !dataFile.equals(tmp));
        }
        ByteBuffer state = ByteBuffer.wrap(writerState).order(ByteOrder.LITTLE_ENDIAN);
        int jsonLength = state.getInt();
        if (jsonLength < 0 || jsonLength > state.remaining()) {
            throw new IOException(journal + " has a damaged writer state");
        }
        JsonNode counts;
        try {
            counts = JsonCodec.tree(new String(writerState, 4, jsonLength, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(journal + " has a damaged writer state: " + e.getMessage(), e);
        }
        long rows = counts.path("rows").asLong();
        Map<String, Long> byEvent = new LinkedHashMap<>();
        counts.path("events")
                .properties()
                .forEach(e -> byEvent.put(e.getKey(), e.getValue().asLong()));
        byte[] lifetimes = java.util.Arrays.copyOfRange(writerState, 4 + jsonLength, writerState.length);
        TraceWriter writer;
        try {
            writer = TraceWriter.resume(dataFile, groups, lifetimes, rows);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("the trace's file " + dataFile + " that the journal names is missing", e);
        }
        return new Opened(writer, dataFile, new RowEncoder(writer, startClock, rows, byEvent));
    }

    /** GROUPS: how many checkpoints of the groups file the trace holds. */
    private static long groupCount(Path journal, ByteBuffer payload) throws IOException {
        ByteBuffer p = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long n = p.remaining() == Long.BYTES ? p.getLong() : -1;
        if (n < 0 || n > TraceFooter.MAX_ROW_GROUPS) {
            throw new IOException(journal + " has a damaged count of row groups");
        }
        return n;
    }

    /**
     * The first {@code count} checkpoints of the groups file beside the data file; any after them
     * were appended by a recorder killed before its journal named them. The file is checked as
     * the data file is (a private file of the journal's owner) when another process wrote it.
     */
    private static List<RowGroupCheckpoint> readGroups(Path journal, Path dataFile, long count, boolean check)
            throws IOException {
        Path file = Journal.groupsFileFor(dataFile);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the row group checkpoints " + file + " that " + journal + " counts on are missing");
        }
        if (check) {
            checkPrivateFile(journal, file.getParent(), file);
        }
        List<RowGroupCheckpoint> groups = new ArrayList<>();
        try (JournalReader reader = new JournalReader(file)) {
            for (JournalReader.Chunk c = reader.next(); c != null && groups.size() < count; c = reader.next()) {
                if (c.kind() != Journal.Kind.ROW_GROUP) {
                    throw new IOException(file + " holds a " + c.kind() + " record among its row group checkpoints");
                }
                groups.add(RowGroupCheckpoint.fromBytes(c.payload()));
            }
        }
        if (groups.size() < count) {
            throw new IOException(journal + " counts " + count + " row groups, but " + file + " holds " + groups.size()
                    + " readable checkpoints");
        }
        return groups;
    }

    /**
     * The file a journal names must be the one a recorder of this output made: in a private
     * directory (mode 0700) beside the output, both owned by the journal's owner, neither a link.
     * Someone who can write the output's directory could otherwise plant a journal that names
     * another file, and recover would copy that file into a trace they can read.
     */
    private static void checkDataFile(Path journal, Path dataFile, Path target) throws IOException {
        Path dir = privateDirectory(dataFile, target);
        if (dir == null) {
            throw new IOException(
                    journal + " names " + dataFile + ", which is not where a recording of " + target + " writes");
        }
        if (!Files.exists(dataFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the trace's file " + dataFile + " that the journal names is missing");
        }
        checkPrivateFile(journal, dir, dataFile);
    }

    /** A file in the private directory dir: refused unless both are the journal owner's, the directory 0700, neither a link. */
    private static void checkPrivateFile(Path journal, Path dir, Path file) throws IOException {
        Object owner = Files.getAttribute(journal, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                || !"rwx------"
                        .equals(PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                || !owner.equals(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                || !owner.equals(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
            throw new IOException(file + ", which " + journal + " names, is not a private file of the journal's "
                    + "owner; refusing to read it");
        }
    }

    /**
     * The private directory beside target holding dataFile, where a recording of target writes it;
     * null when the file is anywhere else.
     */
    private static Path privateDirectory(Path dataFile, Path target) {
        Path dir = dataFile.getParent();
        Path dirName = dir == null ? null : dir.getFileName();
        Path parent = dir == null ? null : dir.getParent();
        Path name = target.getFileName();
        if (dirName == null
                || parent == null
                || name == null
                || !parent.equals(target.getParent())
                || !dirName.toString().startsWith("." + name + ".tcprec-")
                || !name.equals(dataFile.getFileName())) {
            return null;
        }
        return dir;
    }

    /** Removes the private directory a killed recorder left, once the trace no longer needs it. */
    private static void removeLeftFile(Path journal, Path dataFile, Path tmp, Path target) {
        Path dir = dataFile == null || dataFile.equals(tmp) ? null : privateDirectory(dataFile, target);
        if (dir == null) {
            return;
        }
        try {
            for (Path file : List.of(dataFile, Journal.groupsFileFor(dataFile))) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    checkPrivateFile(journal, dir, file);
                    Files.delete(file);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not ours to remove, or not empty: left alone
        }
    }

    /** The records of an EVENTS_ZSTD payload (u32 length, then one zstd frame). */
    static ByteBuffer decompress(Path journal, ByteBuffer payload) throws IOException {
        ByteBuffer p = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = p.getInt();
        if (length < 0 || length % WireEvent.SIZE != 0 || length > 64 << 20) {
            throw new IOException(journal + " has a compressed chunk of " + length + " bytes");
        }
        byte[] src = new byte[p.remaining()];
        p.get(src);
        byte[] out = new byte[length];
        long n = Zstd.decompressByteArray(out, 0, length, src, 0, src.length);
        if (Zstd.isError(n) || n != length) {
            throw new IOException(journal + " has a compressed chunk that does not decompress");
        }
        return ByteBuffer.wrap(out);
    }

    private static TraceMetadata chunk(Path journal, JournalReader.Chunk chunk) throws IOException {
        try {
            return JsonCodec.metadata(text(chunk.payload()));
        } catch (IllegalArgumentException e) {
            throw new IOException(journal + " has an unreadable " + chunk.kind() + " record: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }

    private static String text(ByteBuffer payload) {
        return new String(bytes(payload), StandardCharsets.UTF_8);
    }
}
