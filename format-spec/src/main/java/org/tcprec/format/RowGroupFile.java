package org.tcprec.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * A trace file put together from row groups that parquet-java encoded one at a time, each as a
 * Parquet file of its own in memory: the groups' column chunks are written to the file as they
 * come, and their page indexes and footer entries, with the offsets moved to where the chunks now
 * are, are written once, at {@link #finish}. Writing the file as a recording goes keeps the
 * recording's footprint near the trace's size and leaves only the last group and the footer for
 * the stop; because each group's placement is a {@link RowGroupCheckpoint}, a file cut short by a
 * kill is finished from its checkpoints without reading it back.
 */
final class RowGroupFile implements AutoCloseable {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    /**
     * A group's footer entries, page indexes and column chunk checksums (one array per row group),
     * offsets already in this file's terms.
     */
    private record Group(
            List<RowGroup> rowGroups, List<byte[]> columnIndexes, List<byte[]> offsetIndexes, List<int[]> chunkCrcs) {}

    private final FileChannel channel;
    private final List<Group> groups = new ArrayList<>();
    private FileMetaData template;
    private long length;

    private RowGroupFile(FileChannel channel, long length) {
        this.channel = channel;
        this.length = length;
    }

    /** Starts a new file (an existing one is truncated and keeps its permissions). */
    static RowGroupFile create(Path file) throws IOException {
        FileChannel channel = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.READ,
                StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
        try {
            writeFully(channel, ByteBuffer.wrap(MAGIC), 0);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new RowGroupFile(channel, MAGIC.length);
    }

    /**
     * Reopens a file that these checkpoints describe, in order, cutting off whatever was written
     * after the last one.
     */
    static RowGroupFile resume(Path file, List<RowGroupCheckpoint> checkpoints) throws IOException {
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            long expected = MAGIC.length;
            for (RowGroupCheckpoint c : checkpoints) {
                if (c.dataOffset() != expected) {
                    throw new IOException("its row group checkpoints are not contiguous (one at " + c.dataOffset()
                            + ", expected " + expected + ")");
                }
                expected = c.end();
            }
            long size = channel.size();
            if (size < expected) {
                throw new IOException(
                        file + " holds " + size + " bytes, fewer than the " + expected + " its checkpoints describe");
            }
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            channel.read(magic, 0);
            if (!Arrays.equals(magic.array(), MAGIC)) {
                throw new IOException(file + " does not start as a Parquet file");
            }
            channel.truncate(expected);
            RowGroupFile out = new RowGroupFile(channel, expected);
            for (RowGroupCheckpoint c : checkpoints) {
                out.add(c, null);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Bytes in the file so far. */
    long length() {
        return length;
    }

    /** Whether no row group has been added. */
    boolean empty() {
        return groups.isEmpty();
    }

    /**
     * Appends the row groups of a Parquet file held in memory (written without bloom filters or
     * encryption, as {@link TraceWriter} writes them) and returns their checkpoint.
     */
    RowGroupCheckpoint append(byte[] encoded) throws IOException {
        FileMetaData footer = footerOf(encoded, 0, encoded.length);
        long dataEnd = MAGIC.length;
        List<ColumnMetaData> chunks = new ArrayList<>();
        for (RowGroup g : footer.getRow_groups()) {
            for (ColumnChunk c : g.getColumns()) {
                chunks.add(c.getMeta_data());
            }
        }
        chunks.sort(Comparator.comparingLong(RowGroupFile::chunkStart));
        for (ColumnMetaData c : chunks) {
            if (chunkStart(c) != dataEnd) {
                throw new IOException("the encoded row group's column chunks are not contiguous");
            }
            dataEnd += c.getTotal_compressed_size();
        }
        long dataLength = dataEnd - MAGIC.length;
        RowGroupCheckpoint checkpoint =
                new RowGroupCheckpoint(length, dataLength, Arrays.copyOfRange(encoded, (int) dataEnd, encoded.length));
        writeFully(channel, ByteBuffer.wrap(encoded, MAGIC.length, (int) dataLength), length);
        add(checkpoint, encoded);
        length += dataLength;
        return checkpoint;
    }

    /** Makes the data written so far durable; a checkpoint must not name data a power loss could take. */
    void sync() throws IOException {
        channel.force(false);
    }

    /** Gives the schema and writer name of a file with no row group, for a trace that has none. */
    void templateFrom(byte[] encoded) throws IOException {
        if (template == null) {
            template = footerOf(encoded, 0, encoded.length);
        }
    }

    /**
     * Writes the page indexes and the footer, with these key-value pairs and the checksums (see
     * {@link TraceChecksums#seal}), from what is in memory: the stop reads nothing back.
     */
    void finish(Map<String, String> keyValues) throws IOException {
        if (template == null) {
            throw new IllegalStateException("no row group and no template");
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        List<RowGroup> rowGroups = new ArrayList<>();
        List<int[]> chunkCrcs = new ArrayList<>();
        long rows = 0;
        for (Group g : groups) {
            int chunk = 0;
            for (RowGroup rowGroup : g.rowGroups()) {
                for (ColumnChunk c : rowGroup.getColumns()) {
                    byte[] index = g.columnIndexes().get(chunk++);
                    if (index != null) {
                        c.setColumn_index_offset(length + tail.size());
                        c.setColumn_index_length(index.length);
                        tail.write(index);
                    }
                }
            }
        }
        for (Group g : groups) {
            int chunk = 0;
            for (RowGroup rowGroup : g.rowGroups()) {
                for (ColumnChunk c : rowGroup.getColumns()) {
                    byte[] index = g.offsetIndexes().get(chunk++);
                    if (index != null) {
                        c.setOffset_index_offset(length + tail.size());
                        c.setOffset_index_length(index.length);
                        tail.write(index);
                    }
                }
                if (rowGroups.size() <= Short.MAX_VALUE) {
                    rowGroup.setOrdinal((short) rowGroups.size());
                } else {
                    rowGroup.unsetOrdinal();
                }
                rowGroups.add(rowGroup);
                rows += rowGroup.getNum_rows();
            }
            chunkCrcs.addAll(g.chunkCrcs());
        }
        FileMetaData footer = template.deepCopy();
        footer.setRow_groups(rowGroups);
        footer.setNum_rows(rows);
        List<KeyValue> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : keyValues.entrySet()) {
            pairs.add(new KeyValue(e.getKey()).setValue(e.getValue()));
        }
        footer.setKey_value_metadata(pairs);
        // The column chunks fill the file from the magic to the page indexes.
        CRC32C outside = new CRC32C();
        outside.update(MAGIC);
        outside.update(tail.toByteArray());
        int footerStart = tail.size();
        tail.write(TraceChecksums.seal(footer, chunkCrcs, (int) outside.getValue()));
        int footerLength = tail.size() - footerStart;
        ByteBuffer end = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(footerLength).put(MAGIC);
        tail.write(end.array());
        writeFully(channel, ByteBuffer.wrap(tail.toByteArray()), length);
        length += tail.size();
        channel.truncate(length);
    }

    /**
     * Takes a group's footer entries and page indexes from its checkpoint, moved to where its
     * chunks are, and its chunks' checksums: from the one-group file they were encoded in, or,
     * without it (a resumed file), from this file.
     */
    private void add(RowGroupCheckpoint c, byte[] encoded) throws IOException {
        byte[] tail = c.tail();
        FileMetaData footer = footerOf(tail, 0, tail.length);
        if (template == null) {
            template = footer.deepCopy();
            template.setRow_groups(new ArrayList<>());
        }
        // An offset in the one-group file: the magic, then the chunks, then the tail.
        long tailStart = MAGIC.length + c.dataLength();
        long shift = c.dataOffset() - MAGIC.length;
        List<byte[]> columnIndexes = new ArrayList<>();
        List<byte[]> offsetIndexes = new ArrayList<>();
        List<int[]> chunkCrcs = new ArrayList<>();
        for (RowGroup g : footer.getRow_groups()) {
            int[] crcs = new int[g.getColumns().size()];
            chunkCrcs.add(crcs);
            int column = 0;
            if (g.isSetFile_offset()) {
                g.setFile_offset(g.getFile_offset() + shift);
            }
            for (ColumnChunk chunk : g.getColumns()) {
                ColumnMetaData meta = chunk.getMeta_data();
                long start = chunkStart(meta);
                long chunkLength = meta.getTotal_compressed_size();
                if (start < MAGIC.length || chunkLength < 0 || start + chunkLength > tailStart) {
                    throw new IOException("a row group checkpoint names a column chunk outside its data");
                }
                crcs[column++] = encoded != null
                        ? TraceChecksums.crc32c(ByteBuffer.wrap(encoded, (int) start, (int) chunkLength))
                        : TraceChecksums.crc32c(channel, start + shift, chunkLength);
                meta.setData_page_offset(meta.getData_page_offset() + shift);
                if (meta.isSetDictionary_page_offset()) {
                    meta.setDictionary_page_offset(meta.getDictionary_page_offset() + shift);
                }
                if (meta.isSetIndex_page_offset()) {
                    meta.setIndex_page_offset(meta.getIndex_page_offset() + shift);
                }
                meta.unsetBloom_filter_offset();
                meta.unsetBloom_filter_length();
                if (chunk.isSetFile_offset() && chunk.getFile_offset() > 0) {
                    chunk.setFile_offset(chunk.getFile_offset() + shift);
                }
                columnIndexes.add(
                        chunk.isSetColumn_index_offset()
                                ? slice(
                                        tail,
                                        chunk.getColumn_index_offset() - tailStart,
                                        chunk.getColumn_index_length())
                                : null);
                byte[] offsets = null;
                if (chunk.isSetOffset_index_offset()) {
                    OffsetIndex index = Util.readOffsetIndex(new ByteArrayInputStream(
                            slice(tail, chunk.getOffset_index_offset() - tailStart, chunk.getOffset_index_length())));
                    for (PageLocation page : index.getPage_locations()) {
                        page.setOffset(page.getOffset() + shift);
                    }
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    Util.writeOffsetIndex(index, bytes);
                    offsets = bytes.toByteArray();
                }
                offsetIndexes.add(offsets);
                chunk.unsetColumn_index_offset();
                chunk.unsetColumn_index_length();
                chunk.unsetOffset_index_offset();
                chunk.unsetOffset_index_length();
            }
        }
        groups.add(new Group(footer.getRow_groups(), columnIndexes, offsetIndexes, chunkCrcs));
    }

    private static byte[] slice(byte[] bytes, long from, int length) throws IOException {
        if (from < 0 || length < 0 || from + length > bytes.length) {
            throw new IOException("a row group checkpoint names a page index outside it");
        }
        return Arrays.copyOfRange(bytes, (int) from, (int) from + length);
    }

    private static long chunkStart(ColumnMetaData meta) {
        return meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0
                ? Math.min(meta.getDictionary_page_offset(), meta.getData_page_offset())
                : meta.getData_page_offset();
    }

    /** The footer at the end of bytes[from, to), which end as a Parquet file ends. */
    static FileMetaData footerOf(byte[] bytes, int from, int to) throws IOException {
        if (to - from < 12) {
            throw new IOException("an encoded row group of " + (to - from) + " bytes");
        }
        ByteBuffer end = ByteBuffer.wrap(bytes, to - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        int footerLength = end.getInt();
        if (!Arrays.equals(Arrays.copyOfRange(bytes, to - 4, to), MAGIC)
                || footerLength <= 0
                || footerLength > to - from - 8) {
            throw new IOException("an encoded row group without a valid Parquet footer");
        }
        return Util.readFileMetaData(new ByteArrayInputStream(bytes, to - 8 - footerLength, footerLength));
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long p = at;
        while (buffer.hasRemaining()) {
            p += channel.write(buffer, p);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
