package org.tcprec.format.scan;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * The pages of one column chunk (one column of one row group), decoded into a vector a run of
 * rows at a time. Handles the encodings a trace writer produces: PLAIN, dictionary (PLAIN
 * dictionary page, RLE/bit-packed indexes), DELTA_BINARY_PACKED, and for strings whose
 * dictionary overflowed DELTA_BYTE_ARRAY and DELTA_LENGTH_BYTE_ARRAY; data pages v1 and v2;
 * uncompressed or ZSTD. {@link TraceScanner#unsupported} turns anything else away before a scan starts.
 */
final class ColumnChunkReader {
    private static final int HEADER_WINDOW = 512;

    private final FileChannel channel;
    private final String name;
    private final Type type;
    private final boolean optional;
    private final CompressionCodec codec;
    private long position;
    private final long end;

    private long[] dictionaryLongs = new long[0];
    private byte[] dictionaryBytes;
    private int dictionaryEnd;
    private int[] dictionaryStarts = new int[0];
    private int[] dictionaryLengths = new int[0];
    private int dictionarySize = -1;
    /** Strings of this batch: the dictionary's bytes, then the values of PLAIN pages. */
    private byte[] pool = new byte[0];

    private int poolEnd;
    private boolean poolHasDictionary;

    private byte[] compressed = new byte[0];
    private byte[] page = new byte[0];
    private int valuesEnd;
    private int plainAt;
    private Encoding encoding;
    private int pageLeft;
    private final RleBitPackedDecoder levels = new RleBitPackedDecoder();
    private final RleBitPackedDecoder indexes = new RleBitPackedDecoder();
    private final DeltaBinaryPackedDecoder deltas = new DeltaBinaryPackedDecoder();
    private int[] levelScratch = new int[0];
    private int[] indexScratch = new int[0];
    private int[] positionScratch = new int[0];
    /** The current page's strings when it holds them itself (PLAIN or DELTA_*), and the next one to read. */
    private byte[] pageStrings;

    private int[] pageStarts = new int[0];
    private int[] pageLengths = new int[0];
    private int pageStringCount;
    private int pageStringAt;
    private long[] longScratch = new long[0];

    ColumnChunkReader(FileChannel channel, String name, Type type, boolean optional, ColumnMetaData meta) {
        this.channel = channel;
        this.name = name;
        this.type = type;
        this.optional = optional;
        this.codec = meta.getCodec();
        long start = meta.getData_page_offset();
        if (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0) {
            start = Math.min(start, meta.getDictionary_page_offset());
        }
        this.position = start;
        this.end = start + meta.getTotal_compressed_size();
    }

    /**
     * Called before each batch. A batch that took strings from PLAIN pages keeps its pool (the
     * reader may still be printing it): the next batch gets a new one.
     */
    void startBatch() {
        if (poolHasDictionary && poolEnd > dictionaryBytesLength()) {
            pool = new byte[pool.length];
            System.arraycopy(
                    dictionaryBytes == null ? new byte[0] : dictionaryBytes, 0, pool, 0, dictionaryBytesLength());
        }
        poolEnd = poolHasDictionary ? dictionaryBytesLength() : 0;
    }

    /**
     * Decodes the chunk's next rows and writes the ones the selection lists to the vector: the
     * selection holds row numbers counted from this call's first row, ascending, and its entries
     * [from, to) land in the vector's rows from 0. Rows left out are decoded (their pages must
     * be) but cost no more than that.
     */
    void read(ColumnVector out, int rows, int[] selection, int from, int to) throws IOException {
        out.hasNulls(optional);
        int first = 0;
        int s = from;
        while (rows > 0) {
            while (pageLeft == 0) {
                nextPage();
            }
            int n = Math.min(rows, pageLeft);
            int end = s;
            while (end < to && selection[end] < first + n) {
                end++;
            }
            decode(out, n, selection, s, end, first, s - from);
            s = end;
            first += n;
            rows -= n;
            pageLeft -= n;
        }
    }

    /**
     * n rows of the current page, of which selection[from, to) (minus base) are written to the
     * vector from row at. With definition levels, each row's value index is the count of
     * non-null rows before it.
     */
    private void decode(ColumnVector out, int n, int[] selection, int from, int to, int base, int at) {
        int values = n;
        int[] position = null;
        if (optional) {
            levelScratch = atLeast(levelScratch, n);
            positionScratch = atLeast(positionScratch, n);
            levels.read(levelScratch, 0, n);
            position = positionScratch;
            int count = 0;
            for (int i = 0; i < n; i++) {
                position[i] = count;
                count += levelScratch[i];
            }
            values = count;
        }
        int[] levels = levelScratch;
        int kept = to - from;
        if (optional) {
            boolean[] nulls = out.nulls(at + kept);
            for (int k = 0; k < kept; k++) {
                nulls[at + k] = levels[selection[from + k] - base] == 0;
            }
        }
        if (type == Type.BYTE_ARRAY) {
            decodeStrings(out, values, selection, from, to, base, at, position);
        } else {
            decodeNumbers(out.longs(at + kept), values, selection, from, to, base, at, position);
        }
    }

    /**
     * One method per encoding, so that each is compiled for what it meets: a column whose pages
     * change encoding (DELTA after a dictionary that filled up) does not send the others back to
     * the interpreter.
     */
    private void decodeNumbers(
            long[] out, int values, int[] selection, int from, int to, int base, int at, int[] position) {
        switch (encoding) {
            case PLAIN -> plainNumbers(out, values, selection, from, to, base, at, position);
            case PLAIN_DICTIONARY, RLE_DICTIONARY ->
                dictionaryNumbers(out, values, selection, from, to, base, at, position);
            case DELTA_BINARY_PACKED -> deltaNumbers(out, values, selection, from, to, base, at, position);
            default -> throw corrupt("encoding " + encoding);
        }
    }

    private void plainNumbers(
            long[] out, int values, int[] selection, int from, int to, int base, int at, int[] position) {
        int width = type == Type.INT32 ? Integer.BYTES : Long.BYTES;
        need(plainAt + (long) values * width, "PLAIN values");
        for (int k = from; k < to; k++) {
            int p = valueIndex(selection[k] - base, position);
            if (p < 0) {
                out[at + k - from] = 0;
            } else if (width == 4) {
                out[at + k - from] = BitReader.littleEndianInt(page, plainAt + p * 4);
            } else {
                out[at + k - from] = BitReader.littleEndianLong(page, plainAt + p * 8);
            }
        }
        plainAt += values * width;
    }

    private void dictionaryNumbers(
            long[] out, int values, int[] selection, int from, int to, int base, int at, int[] position) {
        indexScratch = atLeast(indexScratch, values);
        indexes.read(indexScratch, 0, values);
        int[] index = indexScratch;
        long[] dictionary = dictionaryLongs;
        int size = dictionarySize;
        for (int k = from; k < to; k++) {
            int p = valueIndex(selection[k] - base, position);
            if (p < 0) {
                out[at + k - from] = 0;
                continue;
            }
            int i = index[p];
            if (i >= size) {
                throw badIndex(i);
            }
            out[at + k - from] = dictionary[i];
        }
    }

    private void deltaNumbers(
            long[] out, int values, int[] selection, int from, int to, int base, int at, int[] position) {
        longScratch = atLeast(longScratch, values);
        deltas.read(longScratch, 0, values);
        long[] decoded = longScratch;
        boolean narrow = type == Type.INT32;
        for (int k = from; k < to; k++) {
            int p = valueIndex(selection[k] - base, position);
            long v = p < 0 ? 0 : decoded[p];
            out[at + k - from] = narrow ? (int) v : v;
        }
    }

    private void decodeStrings(
            ColumnVector out, int values, int[] selection, int from, int to, int base, int at, int[] position) {
        int kept = to - from;
        int[] starts = out.starts(at + kept);
        int[] lengths = out.lengths(at + kept);
        switch (encoding) {
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                indexScratch = atLeast(indexScratch, values);
                indexes.read(indexScratch, 0, values);
                int[] index = indexScratch;
                int size = dictionarySize;
                for (int k = from; k < to; k++) {
                    int p = valueIndex(selection[k] - base, position);
                    if (p < 0) {
                        starts[at + k - from] = 0;
                        lengths[at + k - from] = 0;
                        continue;
                    }
                    int i = index[p];
                    if (i >= size) {
                        throw badIndex(i);
                    }
                    starts[at + k - from] = dictionaryStarts[i];
                    lengths[at + k - from] = dictionaryLengths[i];
                }
                out.bytes(poolHasDictionary ? pool : dictionaryBytes, poolHasDictionary ? poolEnd : dictionaryEnd);
            }
            case PLAIN, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> {
                // the page's strings were laid out when it was opened; the selected ones go to the pool
                usePool();
                if (pageStringAt + values > pageStringCount) {
                    throw corrupt("page holds fewer strings than its rows need");
                }
                for (int k = from; k < to; k++) {
                    int p = valueIndex(selection[k] - base, position);
                    if (p < 0) {
                        starts[at + k - from] = 0;
                        lengths[at + k - from] = 0;
                        continue;
                    }
                    int i = pageStringAt + p;
                    int length = pageLengths[i];
                    if (pool.length < poolEnd + length) {
                        pool = java.util.Arrays.copyOf(pool, Math.max(poolEnd + length, pool.length * 2));
                    }
                    System.arraycopy(pageStrings, pageStarts[i], pool, poolEnd, length);
                    starts[at + k - from] = poolEnd;
                    lengths[at + k - from] = length;
                    poolEnd += length;
                }
                pageStringAt += values;
                out.bytes(pool, poolEnd);
            }
            default -> throw corrupt("encoding " + encoding + " for strings");
        }
    }

    /**
     * Where a row's value is among the page's decoded values: the row itself without definition
     * levels, else the count of non-null rows before it; -1 for a null row.
     */
    private int valueIndex(int row, int[] position) {
        if (position == null) {
            return row;
        }
        return levelScratch[row] == 0 ? -1 : position[row];
    }

    private TraceScanException badIndex(int index) {
        return corrupt("dictionary index " + index + " beyond its " + dictionarySize + " entries");
    }

    /** From now on this chunk's strings live in the pool, which begins with a copy of the dictionary. */
    private void usePool() {
        if (poolHasDictionary) {
            return;
        }
        int n = dictionaryBytesLength();
        int used = poolEnd;
        if (pool.length < n + used) {
            pool = java.util.Arrays.copyOf(pool, Math.max(1 << 16, 2 * (n + used)));
        }
        if (dictionaryBytes != null) {
            System.arraycopy(dictionaryBytes, 0, pool, 0, n);
        }
        poolHasDictionary = true;
        poolEnd = n;
    }

    private int dictionaryBytesLength() {
        return dictionaryBytes == null ? 0 : dictionaryEnd;
    }

    private void nextPage() throws IOException {
        if (position >= end) {
            throw corrupt("column chunk ends before its rows do");
        }
        HeaderInput headerInput = readHeaderWindow();
        PageHeader header;
        int window = HEADER_WINDOW;
        while (true) {
            try {
                header = Util.readPageHeader(headerInput);
                break;
            } catch (IOException e) {
                // a header larger than the window (long statistics): read more and parse again
                if (position + window >= end) {
                    throw corrupt("unreadable page header (" + e.getMessage() + ")");
                }
                window *= 4;
                headerInput = readHeaderWindow(window);
            }
        }
        long body = position + headerInput.consumed();
        int compressedSize = header.getCompressed_page_size();
        int uncompressedSize = header.getUncompressed_page_size();
        if (compressedSize < 0 || uncompressedSize < 0 || body + compressedSize > end) {
            throw corrupt("page of " + compressedSize + " bytes does not fit its column chunk");
        }
        position = body + compressedSize;
        switch (header.getType()) {
            case DICTIONARY_PAGE ->
                dictionary(header.getDictionary_page_header(), body, compressedSize, uncompressedSize);
            case DATA_PAGE -> dataV1(header.getData_page_header(), body, compressedSize, uncompressedSize);
            case DATA_PAGE_V2 -> dataV2(header.getData_page_header_v2(), body, compressedSize, uncompressedSize);
            default -> {} // index pages carry nothing a scan needs
        }
    }

    private void dictionary(DictionaryPageHeader header, long body, int compressedSize, int uncompressedSize)
            throws IOException {
        // the entries are copied out at once, so the page can go to the buffer data pages use
        byte[] bytes = readPage(body, compressedSize, uncompressedSize);
        int n = header.getNum_values();
        if (n < 0) {
            throw corrupt("dictionary of " + n + " entries");
        }
        dictionarySize = n;
        if (type == Type.BYTE_ARRAY) {
            dictionaryStarts = atLeast(dictionaryStarts, n);
            dictionaryLengths = atLeast(dictionaryLengths, n);
            // slack past the last string: readers copy short strings a word at a time
            byte[] strings = new byte[uncompressedSize + ColumnVector.SLACK];
            int at = 0;
            int used = 0;
            for (int i = 0; i < n; i++) {
                if (at + 4 > uncompressedSize) {
                    throw corrupt("dictionary page ends before its entries do");
                }
                int length = BitReader.littleEndianInt(bytes, at);
                if (length < 0 || at + 4 + length > uncompressedSize) {
                    throw corrupt("dictionary entry of " + length + " bytes does not fit its page");
                }
                System.arraycopy(bytes, at + 4, strings, used, length);
                dictionaryStarts[i] = used;
                dictionaryLengths[i] = length;
                used += length;
                at += 4 + length;
            }
            dictionaryBytes = strings;
            dictionaryEnd = used;
        } else {
            int width = type == Type.INT32 ? 4 : 8;
            if ((long) n * width > uncompressedSize) {
                throw corrupt("dictionary page ends before its entries do");
            }
            dictionaryLongs = n <= dictionaryLongs.length ? dictionaryLongs : new long[n];
            for (int i = 0; i < n; i++) {
                dictionaryLongs[i] =
                        width == 4 ? BitReader.littleEndianInt(bytes, i * 4) : BitReader.littleEndianLong(bytes, i * 8);
            }
        }
    }

    private void dataV1(DataPageHeader header, long body, int compressedSize, int uncompressedSize) throws IOException {
        readPage(body, compressedSize, uncompressedSize);
        int at = 0;
        if (optional) {
            if (uncompressedSize < 4) {
                throw corrupt("data page too short for its definition levels");
            }
            int length = BitReader.littleEndianInt(page, 0);
            if (length < 0 || 4L + length > uncompressedSize) {
                throw corrupt("definition levels of " + length + " bytes do not fit their page");
            }
            levels.reset(page, 4, 4 + length, 1);
            at = 4 + length;
        }
        startValues(header.getEncoding(), at, uncompressedSize, header.getNum_values());
    }

    private void dataV2(DataPageHeaderV2 header, long body, int compressedSize, int uncompressedSize)
            throws IOException {
        int repetition = header.getRepetition_levels_byte_length();
        int definition = header.getDefinition_levels_byte_length();
        int levelBytes = repetition + definition;
        if (repetition != 0 || definition < 0 || levelBytes > compressedSize || levelBytes > uncompressedSize) {
            throw corrupt("data page levels do not fit their page");
        }
        boolean compressedValues = !header.isSetIs_compressed() || header.isIs_compressed();
        int valuesCompressed = compressedSize - levelBytes;
        int valuesSize = uncompressedSize - levelBytes;
        compressed = atLeast(compressed, compressedSize);
        readFully(compressed, 0, compressedSize, body);
        page = atLeast(page, levelBytes + valuesSize + BitReader.SLACK);
        System.arraycopy(compressed, 0, page, 0, levelBytes);
        if (compressedValues && codec == CompressionCodec.ZSTD) {
            decompress(compressed, levelBytes, valuesCompressed, page, levelBytes, valuesSize);
        } else {
            if (valuesCompressed != valuesSize) {
                throw corrupt("uncompressed page sizes disagree");
            }
            System.arraycopy(compressed, levelBytes, page, levelBytes, valuesSize);
        }
        if (optional) {
            levels.reset(page, 0, definition, 1);
        }
        startValues(header.getEncoding(), levelBytes, levelBytes + valuesSize, header.getNum_values());
    }

    private void startValues(Encoding pageEncoding, int from, int to, int rows) {
        if (rows < 0) {
            throw corrupt("page of " + rows + " rows");
        }
        encoding = pageEncoding;
        valuesEnd = to;
        switch (encoding) {
            case PLAIN -> {
                plainAt = from;
                if (type == Type.BYTE_ARRAY) {
                    plainStrings(from, to);
                }
            }
            case DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> {
                if (type != Type.BYTE_ARRAY) {
                    throw corrupt(encoding + " for numbers");
                }
                deltaStrings(from, to, encoding == Encoding.DELTA_BYTE_ARRAY);
            }
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                if (dictionarySize < 0) {
                    throw corrupt("dictionary-encoded page without a dictionary");
                }
                if (to > from) {
                    indexes.reset(page, from + 1, to, page[from] & 0xff);
                } else {
                    indexes.reset(page, from, to, 0);
                }
            }
            case DELTA_BINARY_PACKED -> {
                if (type == Type.BYTE_ARRAY) {
                    throw corrupt("DELTA_BINARY_PACKED strings");
                }
                deltas.reset(page, from, to);
            }
            default -> throw corrupt("encoding " + encoding);
        }
        pageLeft = rows;
    }

    /** PLAIN strings (a 4-byte length, the bytes) laid out in place in the page. */
    private void plainStrings(int from, int to) {
        pageStringCount = 0;
        pageStringAt = 0;
        int at = from;
        while (at < to) {
            if (at + 4 > to) {
                throw corrupt("a PLAIN string's length runs past the end of its page");
            }
            int length = BitReader.littleEndianInt(page, at);
            if (length < 0 || at + 4L + length > to) {
                throw corrupt("PLAIN string of " + length + " bytes does not fit its page");
            }
            addPageString(at + 4, length);
            at += 4 + length;
        }
        pageStrings = page;
    }

    /**
     * DELTA_LENGTH_BYTE_ARRAY (the lengths, DELTA_BINARY_PACKED, then the strings' bytes one after
     * another) and DELTA_BYTE_ARRAY (the length of the prefix each string shares with the one
     * before, DELTA_BINARY_PACKED, then the suffixes as DELTA_LENGTH_BYTE_ARRAY): rebuilt whole.
     */
    private void deltaStrings(int from, int to, boolean prefixed) {
        int at = from;
        long[] prefixes = null;
        int count;
        if (prefixed) {
            deltas.reset(page, at, to);
            count = deltas.remaining();
            prefixes = new long[count];
            deltas.read(prefixes, 0, count);
            at = deltas.position();
        }
        deltas.reset(page, at, to);
        count = deltas.remaining();
        if (prefixes != null && prefixes.length != count) {
            throw corrupt("DELTA_BYTE_ARRAY prefixes and suffixes disagree in number");
        }
        long[] suffixLengths = new long[count];
        deltas.read(suffixLengths, 0, count);
        at = deltas.position();
        pageStringCount = 0;
        pageStringAt = 0;
        byte[] strings = new byte[Math.max(16, (to - at) * 2)];
        int used = 0;
        int previousStart = 0;
        int previousLength = 0;
        for (int i = 0; i < count; i++) {
            long prefix = prefixes == null ? 0 : prefixes[i];
            long suffix = suffixLengths[i];
            if (prefix < 0 || prefix > previousLength || suffix < 0 || at + suffix > to) {
                throw corrupt("DELTA string " + i + " does not fit its page");
            }
            int length = (int) (prefix + suffix);
            if (strings.length < used + length) {
                strings = java.util.Arrays.copyOf(strings, Math.max(used + length, strings.length * 2));
            }
            System.arraycopy(strings, previousStart, strings, used, (int) prefix);
            System.arraycopy(page, at, strings, used + (int) prefix, (int) suffix);
            at += (int) suffix;
            addPageString(used, length);
            previousStart = used;
            previousLength = length;
            used += length;
        }
        pageStrings = strings;
    }

    private void addPageString(int start, int length) {
        if (pageStarts.length == pageStringCount) {
            pageStarts = java.util.Arrays.copyOf(pageStarts, Math.max(64, pageStringCount * 2));
            pageLengths = java.util.Arrays.copyOf(pageLengths, pageStarts.length);
        }
        pageStarts[pageStringCount] = start;
        pageLengths[pageStringCount++] = length;
    }

    /** A whole page's bytes into the page buffer (dictionary and v1 pages compress levels and values together). */
    private byte[] readPage(long body, int compressedSize, int uncompressedSize) throws IOException {
        compressed = atLeast(compressed, compressedSize);
        readFully(compressed, 0, compressedSize, body);
        byte[] out = atLeast(page, uncompressedSize + BitReader.SLACK);
        page = out;
        if (codec == CompressionCodec.ZSTD) {
            decompress(compressed, 0, compressedSize, out, 0, uncompressedSize);
        } else {
            if (compressedSize != uncompressedSize) {
                throw corrupt("uncompressed page sizes disagree");
            }
            System.arraycopy(compressed, 0, out, 0, compressedSize);
        }
        return out;
    }

    private void decompress(byte[] src, int from, int length, byte[] dst, int at, int size) {
        long n = Zstd.decompressByteArray(dst, at, size, src, from, length);
        if (Zstd.isError(n) || n != size) {
            throw corrupt("ZSTD page does not decompress to its " + size + " bytes");
        }
    }

    private HeaderInput readHeaderWindow() throws IOException {
        return readHeaderWindow(HEADER_WINDOW);
    }

    private HeaderInput readHeaderWindow(int window) throws IOException {
        int n = (int) Math.min(window, end - position);
        byte[] bytes = new byte[n];
        readFully(bytes, 0, n, position);
        return new HeaderInput(bytes);
    }

    private void readFully(byte[] into, int at, int length, long from) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, at, length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, from + (buffer.position() - at));
            if (n < 0) {
                throw corrupt("file ends inside a page");
            }
        }
    }

    private void need(long until, String what) {
        if (until > valuesEnd) {
            throw corrupt(what + " run past the end of the page");
        }
    }

    private TraceScanException corrupt(String what) {
        return new TraceScanException("column " + name + ": " + what);
    }

    private static int[] atLeast(int[] a, int n) {
        return a.length >= n ? a : new int[Math.max(n, a.length + a.length / 2)];
    }

    private static long[] atLeast(long[] a, int n) {
        return a.length >= n ? a : new long[Math.max(n, a.length + a.length / 2)];
    }

    private static byte[] atLeast(byte[] a, int n) {
        return a.length >= n ? a : new byte[Math.max(n, a.length + a.length / 2)];
    }

    /** The bytes a page header was parsed from, and how many it took. */
    private static final class HeaderInput extends ByteArrayInputStream {
        HeaderInput(byte[] bytes) {
            super(bytes);
        }

        int consumed() {
            return pos;
        }
    }
}
