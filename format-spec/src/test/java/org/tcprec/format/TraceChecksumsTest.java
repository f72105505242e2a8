package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.RowGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.metadata.JsonCodec;

/**
 * Every one-bit flip anywhere in a checksummed trace is caught when its footer is read, which every
 * tcprec command does before using the file, and the one-line error names the damaged part.
 */
class TraceChecksumsTest {
    @TempDir
    Path dir;

    /** A trace of several row groups, with metadata, as the recorder writes one: it closes each group itself. */
    private Path trace() throws Exception {
        Path file = dir.resolve("t.parquet");
        try (TraceWriter w = new TraceWriter(file)) {
            long t0 = 1_764_000_000_000_000_000L;
            for (int i = 0; i < 600; i++) {
                w.write(TraceWriterDuckDbTest.setState(
                        t0 + i * 1000L,
                        "10.0." + (i % 7) + ".1",
                        443 + i % 3,
                        2,
                        i % 2 == 0 ? "CLOSE" : "SYN_SENT",
                        i % 2 == 0 ? "SYN_SENT" : "ESTABLISHED"));
                if (i % 200 == 199) {
                    w.closeRowGroup();
                }
            }
            w.metadata(
                    JsonCodec.metadata(JsonCodec.writeCompact(Map.of("host", Map.of("hostname", "h1"), "rows", 600))));
        }
        return file;
    }

    @Test
    void aWrittenTraceCarriesPageAndFooterChecksumsThatVerify() throws Exception {
        Path file = trace();
        TraceFooter footer = TraceFooter.read(file);
        assertEquals(TraceChecksums.Result.VERIFIED, footer.checksums());
        assertTrue(footer.rowGroups() > 1, "several row groups: " + footer.rowGroups());
        assertTrue(footer.parquet().getKey_value_metadata().stream()
                .map(KeyValue::getKey)
                .toList()
                .contains(TraceChecksums.KEY));
        // Every column chunk's pages have Parquet's page CRC, for any other reader that checks it.
        for (var group : footer.parquet().getRow_groups()) {
            for (var chunk : group.getColumns()) {
                ColumnMetaData meta = chunk.getMeta_data();
                long start = meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0
                        ? meta.getDictionary_page_offset()
                        : meta.getData_page_offset();
                try (var in = Files.newInputStream(file)) {
                    in.skipNBytes(start);
                    assertTrue(org.apache.parquet.format.Util.readPageHeader(in).isSetCrc(), "page CRC at " + start);
                }
            }
        }
        assertEquals("h1", footer.metadata().host().hostname());
    }

    @Test
    void theStoredChecksumsAreThoseOfTheBytesAsWritten() throws Exception {
        Path file = trace();
        assertTrue(TraceFooter.read(file).rowGroups() > 1);
        assertChecksumsOfTheBytes(file);
        assertAFlipInEachChunkIsCaught(file);
    }

    /**
     * Computes every checksum of {@code tcprec.checksums} from the file's bytes, as
     * format-spec/README.md defines them, and compares them with the stored ones.
     */
    static void assertChecksumsOfTheBytes(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        int footerStart = bytes.length - 8 - footerLength;
        FileMetaData footer = TraceFooter.read(file).parquet();
        String value = footer.getKey_value_metadata().stream()
                .filter(kv -> kv.getKey().equals(TraceChecksums.KEY))
                .findFirst()
                .orElseThrow()
                .getValue();
        JsonNode stored = JsonCodec.tree(value);

        byte[] footerBytes = Arrays.copyOfRange(bytes, footerStart, footerStart + footerLength);
        String text = new String(footerBytes, StandardCharsets.ISO_8859_1);
        int digits = text.lastIndexOf("{\"algorithm\":\"CRC-32C\",\"footer\":\"") + 33;
        assertEquals(stored.path("footer").asText(), text.substring(digits, digits + 8));
        System.arraycopy("00000000".getBytes(StandardCharsets.US_ASCII), 0, footerBytes, digits, 8);
        assertEquals(stored.path("footer").asText(), crc32c(footerBytes, 0, footerLength));

        for (KeyValue kv : footer.getKey_value_metadata()) {
            if (!kv.getKey().equals(TraceChecksums.KEY)) {
                byte[] v = kv.getValue().getBytes(StandardCharsets.UTF_8);
                assertEquals(stored.path("keys").path(kv.getKey()).asText(), crc32c(v, 0, v.length), kv.getKey());
            }
        }

        boolean[] inChunk = new boolean[footerStart];
        List<RowGroup> groups = footer.getRow_groups();
        assertEquals(groups.size(), stored.path("column_chunks").size());
        for (int g = 0; g < groups.size(); g++) {
            List<ColumnChunk> chunks = groups.get(g).getColumns();
            assertEquals(chunks.size(), stored.path("column_chunks").get(g).size());
            for (int c = 0; c < chunks.size(); c++) {
                ColumnMetaData meta = chunks.get(c).getMeta_data();
                int start = chunkStart(meta);
                int length = (int) meta.getTotal_compressed_size();
                assertEquals(
                        stored.path("column_chunks").get(g).get(c).asText(),
                        crc32c(bytes, start, length),
                        "row group " + g + ", column " + c);
                Arrays.fill(inChunk, start, start + length, true);
            }
        }
        ByteArrayOutputStream outside = new ByteArrayOutputStream();
        for (int i = 0; i < footerStart; i++) {
            if (!inChunk[i]) {
                outside.write(bytes[i]);
            }
        }
        byte[] outsideBytes = outside.toByteArray();
        assertTrue(outsideBytes.length > 4, "the magic and the page indexes: " + outsideBytes.length);
        assertEquals(stored.path("outside_chunks").asText(), crc32c(outsideBytes, 0, outsideBytes.length));
    }

    /** A flipped bit in the middle of any column chunk fails the full check of the data. */
    static void assertAFlipInEachChunkIsCaught(Path file) throws Exception {
        byte[] original = Files.readAllBytes(file);
        FileMetaData footer = TraceFooter.read(file).parquet();
        Path damaged = file.resolveSibling("flipped-" + file.getFileName());
        for (RowGroup group : footer.getRow_groups()) {
            for (ColumnChunk chunk : group.getColumns()) {
                ColumnMetaData meta = chunk.getMeta_data();
                byte[] copy = original.clone();
                copy[chunkStart(meta) + (int) meta.getTotal_compressed_size() / 2] ^= 0x10;
                Files.write(damaged, copy);
                TraceFooter read = TraceFooter.readDeferringChecks(damaged);
                TraceFormatException e =
                        assertThrows(TraceFormatException.class, () -> TraceChecksums.verifyData(read));
                assertTrue(e.getMessage().contains("is damaged: column "), e.getMessage());
            }
        }
    }

    /** Where a column chunk starts: its dictionary page, if any, else its first data page. */
    private static int chunkStart(ColumnMetaData meta) {
        return (int)
                (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0
                        ? Math.min(meta.getDictionary_page_offset(), meta.getData_page_offset())
                        : meta.getData_page_offset());
    }

    private static String crc32c(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    @Test
    void everyOneBitFlipIsAOneLineErrorNamingWhatIsDamaged() throws Exception {
        Path file = trace();
        byte[] original = Files.readAllBytes(file);
        TraceFooter footer = TraceFooter.read(file);
        long firstChunk = footer.parquet()
                .getRow_groups()
                .get(0)
                .getColumns()
                .get(0)
                .getMeta_data()
                .getData_page_offset();
        Path damaged = dir.resolve("d.parquet");
        int keyName = new String(original, StandardCharsets.ISO_8859_1).lastIndexOf(TraceChecksums.KEY);
        List<String> undetected = new ArrayList<>();
        int pages = 0;
        int keys = 0;
        for (int i = 0; i < original.length; i += 3) {
            byte[] copy = original.clone();
            copy[i] ^= (byte) (1 << (i % 8));
            Files.write(damaged, copy);
            try {
                TraceFooter read = TraceFooter.read(damaged);
                // A flip in the name of the checksums' own key leaves a file without checksums
                // whose every byte of data and metadata is intact: it must read as the original.
                if (read.checksums() != TraceChecksums.Result.NONE
                        || i < keyName
                        || i >= keyName + TraceChecksums.KEY.length()
                        || !read.metadata().equals(footer.metadata())
                        || read.rows() != footer.rows()) {
                    undetected.add("byte " + i);
                }
            } catch (TraceFormatException e) {
                String message = e.getMessage();
                assertFalse(message.contains("\n"), message);
                assertTrue(message.startsWith(damaged.toString()), message);
                if (message.contains(", page ")) {
                    pages++;
                }
                if (message.contains("metadata key tcprec.metadata")) {
                    keys++;
                }
            }
        }
        assertEquals(List.of(), undetected, "flips read as an intact trace");
        assertTrue(pages > original.length / 12, "pages named: " + pages + " of " + original.length);
        assertTrue(keys > 10, "metadata key named: " + keys);
        assertTrue(firstChunk >= 4);
    }

    @Test
    void aFlipInAPagesDataNamesTheColumnRowGroupAndPage() throws Exception {
        Path file = trace();
        TraceFooter footer = TraceFooter.read(file);
        ColumnMetaData raddr = footer.parquet()
                .getRow_groups()
                .get(1)
                .getColumns()
                .get(Column.RPORT.ordinal())
                .getMeta_data();
        byte[] bytes = Files.readAllBytes(file);
        // The last byte of the chunk is page data (headers come before their page).
        int at = (int) (raddr.getData_page_offset()
                + raddr.getTotal_compressed_size()
                - 1
                - (raddr.isSetDictionary_page_offset() && raddr.getDictionary_page_offset() > 0
                        ? raddr.getData_page_offset() - raddr.getDictionary_page_offset()
                        : 0));
        bytes[at] ^= 4;
        Files.write(file, bytes);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFooter.read(file));
        assertTrue(e.getMessage().contains("column rport, row group 1, page "), e.getMessage());
        assertTrue(e.getMessage().contains("page CRC"), e.getMessage());
    }

    @Test
    void aChangedMetadataValueNamesItsKey() throws Exception {
        Path file = trace();
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("\"h1\"");
        bytes[at + 1] = 'H';
        Files.write(file, bytes);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFooter.read(file));
        assertEquals(file + " is damaged: metadata key tcprec.metadata fails its checksum", e.getMessage());
    }

    @Test
    void tracesWrittenBeforeChecksumsStillRead() throws Exception {
        Path samples = Path.of("..", "sample-traces");
        // The samples recorded before checksums existed (every 1.0 one, kept in older-formats/) read
        // without them; newer ones verify.
        int read = 0;
        try (var files = Stream.concat(Files.list(samples), Files.list(samples.resolve("older-formats")))) {
            for (Path sample :
                    files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                TraceFooter footer = TraceFooter.read(sample);
                boolean stored = footer.parquet().getKey_value_metadata().stream()
                        .anyMatch(kv -> kv.getKey().equals(TraceChecksums.KEY));
                assertEquals(
                        stored ? TraceChecksums.Result.VERIFIED : TraceChecksums.Result.NONE,
                        footer.checksums(),
                        sample.toString());
                read += stored ? 0 : 1;
            }
        }
        if (read == 0) {
            fail("no sample trace without checksums in " + samples.toAbsolutePath());
        }
    }
}
