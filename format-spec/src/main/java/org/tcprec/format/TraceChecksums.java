package org.tcprec.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.JsonLimits;

/**
 * The trace's checksums (format-spec/README.md, "Checksums"): CRC-32C of each column chunk (its
 * page headers and pages), of each footer key's value, and of the footer itself, stored as the
 * footer key {@value #KEY}. The pages also carry Parquet's own CRC-32 (the page header's
 * {@code crc}), which names the damaged page once a chunk fails.
 *
 * <p>The chunk checksum covers what the page CRCs leave out, the page headers (a flipped page size
 * or value count changes what a reader decodes), and checking it is one pass of a hardware CRC
 * over the file instead of a Thrift parse per page.
 */
public final class TraceChecksums {
    /** Footer key holding the checksums, a JSON object. */
    public static final String KEY = "tcprec.checksums";

    static final String ALGORITHM = "CRC-32C";
    private static final String PLACEHOLDER = "00000000";
    /** Where the footer's own checksum sits in the key's value: fixed text, so it is found in the footer's bytes. */
    private static final String FOOTER_FIELD = "{\"algorithm\":\"" + ALGORITHM + "\",\"footer\":\"";

    private TraceChecksums() {}

    /**
     * The footer's bytes with the checksums as its last key, given those of its column chunks
     * (one array per row group, in the footer's order) and of the bytes outside them: the writer
     * takes them while the bytes are in memory, so that sealing a trace reads none of it back.
     */
    static byte[] seal(FileMetaData footer, List<int[]> columnChunks, int outsideChunks) throws IOException {
        StringBuilder value =
                new StringBuilder(FOOTER_FIELD).append(PLACEHOLDER).append("\",\"keys\":{");
        List<KeyValue> pairs = footer.getKey_value_metadata() == null
                ? new ArrayList<>()
                : new ArrayList<>(footer.getKey_value_metadata());
        for (int i = 0; i < pairs.size(); i++) {
            value.append(i == 0 ? "" : ",")
                    .append(JsonCodec.writeCompact(pairs.get(i).getKey()))
                    .append(":\"")
                    .append(hex(crc32c(pairs.get(i).getValue())))
                    .append('"');
        }
        value.append("},\"column_chunks\":[");
        List<RowGroup> groups = footer.getRow_groups();
        if (groups.size() != columnChunks.size()) {
            throw new IllegalArgumentException(groups.size() + " row groups, checksums of " + columnChunks.size());
        }
        for (int g = 0; g < groups.size(); g++) {
            int[] crcs = columnChunks.get(g);
            if (crcs.length != groups.get(g).getColumns().size()) {
                throw new IllegalArgumentException("row group " + g + " has "
                        + groups.get(g).getColumns().size() + " column chunks, checksums of " + crcs.length);
            }
            value.append(g == 0 ? "[" : ",[");
            for (int c = 0; c < crcs.length; c++) {
                value.append(c == 0 ? "\"" : ",\"").append(hex(crcs[c])).append('"');
            }
            value.append(']');
        }
        value.append("],\"outside_chunks\":\"").append(hex(outsideChunks)).append("\"}");
        pairs.add(new KeyValue(KEY).setValue(value.toString()));
        footer.setKey_value_metadata(pairs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writeFileMetaData(footer, out);
        byte[] bytes = out.toByteArray();
        int at = footerChecksumOffset(bytes, value.toString());
        byte[] digits = hex(crc32c(ByteBuffer.wrap(bytes))).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, bytes, at, digits.length);
        return bytes;
    }

    /** What verifying a trace found: whether it carries checksums at all. */
    public enum Result {
        VERIFIED,
        NONE
    }

    /**
     * Checks a trace's footer against its checksums: the footer (bytes as stored) and each footer
     * key, and that it checksums as many row groups and column chunks as it has. A trace without
     * the key (older writers) has nothing to check. The column chunks are left to
     * {@link #verifyData}.
     *
     * @throws TraceFormatException naming the damaged key, in one line
     */
    static Result verifyFooter(Path path, byte[] footerBytes, FileMetaData footer) throws TraceFormatException {
        Map<String, String> kv = keyValues(footer);
        String value = kv.get(KEY);
        if (value == null) {
            return Result.NONE;
        }
        Stored stored = Stored.parse(path, value);
        int at = value.startsWith(FOOTER_FIELD) ? footerChecksumOffset(footerBytes, value) : -1;
        if (at < 0) {
            throw damaged(path, "the Parquet footer (its checksum is not where the format puts it)");
        }
        byte[] copy = footerBytes.clone();
        System.arraycopy(PLACEHOLDER.getBytes(StandardCharsets.US_ASCII), 0, copy, at, PLACEHOLDER.length());
        if (!hex(crc32c(ByteBuffer.wrap(copy))).equals(stored.footer)) {
            // The footer covers its keys; a key's own checksum names which one changed.
            for (Map.Entry<String, String> e : kv.entrySet()) {
                String expected = stored.keys.get(e.getKey());
                // A damaged footer can decode to a pair without a value; that key is the damaged one.
                if (!KEY.equals(e.getKey())
                        && (expected == null || e.getValue() == null || !expected.equals(hex(crc32c(e.getValue()))))) {
                    throw damaged(path, "metadata key " + e.getKey());
                }
            }
            throw damaged(path, "the Parquet footer (schema, row groups, statistics or " + KEY + ")");
        }
        List<RowGroup> groups = footer.getRow_groups();
        if (groups.size() != stored.chunks.size()) {
            throw damaged(
                    path,
                    "the Parquet footer (" + groups.size() + " row groups, " + stored.chunks.size() + " checksummed)");
        }
        for (int g = 0; g < groups.size(); g++) {
            List<ColumnChunk> chunks = groups.get(g).getColumns();
            if (chunks.size() != stored.chunks.get(g).size()) {
                throw damaged(
                        path,
                        "the Parquet footer (row group " + g + " has " + chunks.size() + " columns, "
                                + stored.chunks.get(g).size() + " checksummed)");
            }
        }
        return Result.VERIFIED;
    }

    /**
     * Checks every column chunk of a trace whose footer {@link TraceFooter#readDeferringChecks}
     * read, and the bytes outside them, against the checksums in that footer.
     *
     * @throws TraceFormatException naming the damaged page, in one line
     */
    public static void verifyData(TraceFooter trace) throws TraceFormatException {
        if (trace.checksums() != Result.VERIFIED) {
            return;
        }
        Path path = trace.path();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != trace.fileBytes()) {
                throw new TraceFormatException(
                        path + " changed while it was read (" + trace.fileBytes() + " bytes, now " + size + ")");
            }
            verifyData(path, channel, trace.parquet(), size - 8 - footerLength(channel, size));
        } catch (IOException e) {
            throw new TraceFormatException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** The column chunks and the bytes outside them of a footer that {@link #verifyFooter} passed. */
    static void verifyData(Path path, FileChannel channel, FileMetaData footer, long footerStart)
            throws TraceFormatException {
        Stored stored = Stored.parse(path, keyValues(footer).get(KEY));
        List<RowGroup> groups = footer.getRow_groups();
        for (int g = 0; g < groups.size(); g++) {
            List<ColumnChunk> chunks = groups.get(g).getColumns();
            for (int c = 0; c < chunks.size(); c++) {
                ColumnMetaData meta = chunks.get(c).getMeta_data();
                try {
                    long[] range = range(meta, footerStart);
                    if (!hex(crc32c(channel, range[0], range[1]))
                            .equals(stored.chunks.get(g).get(c))) {
                        throw damaged(path, pageAt(channel, range, String.join(".", meta.getPath_in_schema()), g));
                    }
                } catch (IOException e) {
                    throw new TraceFormatException(
                            path + ": cannot read column chunk " + g + "/" + c + " (" + e.getMessage() + ")");
                }
            }
        }
        try {
            if (!hex(outsideChunks(channel, groups, footerStart)).equals(stored.outside)) {
                throw damaged(path, "the bytes outside the column chunks (the leading magic or the page indexes)");
            }
        } catch (IOException e) {
            throw new TraceFormatException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> keyValues(FileMetaData footer) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (KeyValue pair :
                footer.getKey_value_metadata() == null ? List.<KeyValue>of() : footer.getKey_value_metadata()) {
            kv.put(pair.getKey(), pair.getValue());
        }
        return kv;
    }

    /** CRC-32C of the bytes before the footer that no column chunk holds: the magic, the page indexes. */
    private static int outsideChunks(FileChannel channel, List<RowGroup> groups, long footerStart) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        for (RowGroup group : groups) {
            for (ColumnChunk chunk : group.getColumns()) {
                ranges.add(range(chunk.getMeta_data(), footerStart));
            }
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        CRC32C crc = new CRC32C();
        long cursor = 0;
        for (long[] range : ranges) {
            if (range[0] > cursor) {
                update(crc, channel, cursor, range[0] - cursor);
            }
            cursor = Math.max(cursor, range[0] + range[1]);
        }
        update(crc, channel, cursor, footerStart - cursor);
        return (int) crc.getValue();
    }

    /**
     * The checksums a trace stores, as read from its footer key. A value of another type than the
     * format gives it reads as text that no checksum equals.
     */
    private record Stored(String footer, Map<String, String> keys, List<List<String>> chunks, String outside) {
        private static final String NOT_TEXT = "";

        static Stored parse(Path path, String value) throws TraceFormatException {
            String algorithm = null;
            String footer = null;
            String outside = null;
            Map<String, String> keys = null;
            List<List<String>> chunks = null;
            try (JsonParser p = JsonLimits.parser(value)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw damaged(path, "metadata key " + KEY);
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken token = p.nextToken();
                    switch (name) {
                        case "algorithm" -> algorithm = text(p);
                        case "footer" -> footer = text(p);
                        case "outside_chunks" -> outside = text(p);
                        case "keys" -> keys = token == JsonToken.START_OBJECT ? keys(p) : skip(p, null);
                        case "column_chunks" -> chunks = token == JsonToken.START_ARRAY ? groups(p) : skip(p, null);
                        default -> p.skipChildren();
                    }
                }
                if (p.nextToken() != null) {
                    throw damaged(path, "metadata key " + KEY);
                }
            } catch (IOException | IllegalArgumentException e) {
                // Jackson's parse errors are IOExceptions
                throw damaged(path, "metadata key " + KEY);
            }
            if (!ALGORITHM.equals(algorithm)
                    || footer == null
                    || footer.equals(NOT_TEXT)
                    || outside == null
                    || outside.equals(NOT_TEXT)
                    || keys == null
                    || chunks == null
                    || chunks.contains(null)) {
                throw damaged(path, "metadata key " + KEY);
            }
            return new Stored(footer, keys, chunks, outside);
        }

        private static Map<String, String> keys(JsonParser p) throws IOException {
            Map<String, String> keys = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                keys.put(name, text(p));
            }
            return keys;
        }

        /** The row groups' lists of chunk checksums; a group that is not a list is null. */
        private static List<List<String>> groups(JsonParser p) throws IOException {
            List<List<String>> groups = new ArrayList<>();
            for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
                if (token != JsonToken.START_ARRAY) {
                    groups.add(skip(p, null));
                    continue;
                }
                List<String> crcs = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    crcs.add(text(p));
                }
                groups.add(crcs);
            }
            return groups;
        }

        /** The string at the parser, or {@link #NOT_TEXT} for any other value (which is skipped). */
        private static String text(JsonParser p) throws IOException {
            return p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : skip(p, NOT_TEXT);
        }

        private static <T> T skip(JsonParser p, T result) throws IOException {
            p.skipChildren();
            return result;
        }
    }

    /**
     * Which part of a chunk whose checksum failed is damaged: the first page whose Parquet CRC
     * fails or whose header cannot be read, else a page header (which no page CRC covers).
     */
    private static String pageAt(FileChannel channel, long[] range, String column, int group) throws IOException {
        ByteBuffer chunk = channel.map(FileChannel.MapMode.READ_ONLY, range[0], range[1]);
        int page = 0;
        while (chunk.hasRemaining()) {
            String where = "column " + column + ", row group " + group + ", page " + page;
            PageHeader header;
            try {
                header = Util.readPageHeader(new BufferInput(chunk));
            } catch (IOException | RuntimeException e) {
                return where + " (its header cannot be read)";
            }
            int length = header.getCompressed_page_size();
            if (length < 0 || length > chunk.remaining()) {
                return where + " (its header gives a size past the column chunk)";
            }
            ByteBuffer data = chunk.slice(chunk.position(), length);
            chunk.position(chunk.position() + length);
            if (header.isSetCrc()) {
                CRC32 crc = new CRC32();
                crc.update(data);
                if ((int) crc.getValue() != header.getCrc()) {
                    return where + " (its data fails the page CRC)";
                }
            }
            page++;
        }
        return "column " + column + ", row group " + group + " (a page header; every page's data is intact)";
    }

    private static TraceFormatException damaged(Path path, String what) {
        return new TraceFormatException(path + " is damaged: " + what + " fails its checksum");
    }

    /** [start, length] of a column chunk: its dictionary page, if any, then its data pages. */
    private static long[] range(ColumnMetaData meta, long footerStart) throws IOException {
        long start = meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0
                ? Math.min(meta.getDictionary_page_offset(), meta.getData_page_offset())
                : meta.getData_page_offset();
        long length = meta.getTotal_compressed_size();
        if (start < 4 || length < 0 || length > footerStart - start) {
            throw new IOException("column chunk at " + start + " of " + length + " bytes does not fit the file");
        }
        return new long[] {start, length};
    }

    /** Where the footer's 8 checksum digits sit in its bytes: after the last copy of the key's fixed prefix. */
    private static int footerChecksumOffset(byte[] footer, String value) {
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        int prefix = FOOTER_FIELD.length();
        if (needle.length < prefix + PLACEHOLDER.length()) {
            return -1;
        }
        outer:
        for (int i = footer.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (footer[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i + prefix;
        }
        return -1;
    }

    static int footerLength(FileChannel channel, long size) throws IOException {
        if (size < 12) {
            throw new IOException("only " + size + " bytes");
        }
        ByteBuffer tail = ByteBuffer.wrap(read(channel, size - 8, 8)).order(ByteOrder.LITTLE_ENDIAN);
        int footerLength = tail.getInt(0);
        if (tail.get(4) != 'P' || tail.get(5) != 'A' || tail.get(6) != 'R' || tail.get(7) != '1') {
            throw new IOException("no Parquet footer magic at the end; truncated?");
        }
        if (footerLength <= 0 || footerLength > size - 12) {
            throw new IOException("footer length " + footerLength + " does not fit the file");
        }
        if (footerLength > TraceFooter.MAX_FOOTER_BYTES) {
            throw new IOException("a footer of " + footerLength + " bytes, more than the "
                    + TraceFooter.MAX_FOOTER_BYTES + " a trace may have");
        }
        return footerLength;
    }

    static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.array();
    }

    private static int crc32c(String value) {
        return crc32c(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    static int crc32c(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    static int crc32c(FileChannel channel, long start, long length) throws IOException {
        CRC32C crc = new CRC32C();
        update(crc, channel, start, length);
        return (int) crc.getValue();
    }

    /** Bytes of the file through the checksum, read in blocks into one direct buffer, which the CRC reads without a copy. */
    private static void update(CRC32C crc, FileChannel channel, long start, long length) throws IOException {
        ByteBuffer block = BLOCK.get().clear();
        long done = 0;
        while (done < length) {
            block.clear().limit((int) Math.min(block.capacity(), length - done));
            while (block.hasRemaining()) {
                if (channel.read(block, start + done + block.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            done += block.flip().remaining();
            crc.update(block);
        }
    }

    private static final ThreadLocal<ByteBuffer> BLOCK =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    private static String hex(int crc) {
        return String.format(Locale.ROOT, "%08x", crc);
    }

    /** Page headers read from a mapped chunk; the header parser reads byte by byte. */
    private static final class BufferInput extends InputStream {
        private final ByteBuffer buffer;

        BufferInput(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!buffer.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }
    }
}
