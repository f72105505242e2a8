package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.KeyValue;
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

    /** A trace of several row groups, with metadata, as the recorder writes one. */
    private Path trace() throws Exception {
        Path file = dir.resolve("t.parquet");
        try (TraceWriter w = new TraceWriter(file, 16 * 1024)) {
            long t0 = 1_764_000_000_000_000_000L;
            for (int i = 0; i < 600; i++) {
                w.write(TraceWriterDuckDbTest.setState(
                        t0 + i * 1000L,
                        "10.0." + (i % 7) + ".1",
                        443 + i % 3,
                        2,
                        i % 2 == 0 ? "CLOSE" : "SYN_SENT",
                        i % 2 == 0 ? "SYN_SENT" : "ESTABLISHED"));
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
