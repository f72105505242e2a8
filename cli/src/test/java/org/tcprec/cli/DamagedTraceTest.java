package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.assertFailure;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.format.ColumnMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.Column;
import org.tcprec.format.TraceFooter;

/**
 * A trace written by tcprec carries checksums, and a bit flipped in its data or its metadata makes
 * every subcommand refuse it in one line naming what is damaged, instead of answering wrongly.
 */
class DamagedTraceTest {
    @TempDir
    Path dir;

    /** A checksummed copy of a sample: scrub writes it anew with the writer. */
    private Path checksummed() {
        Path out = dir.resolve("clean.parquet");
        TcprecRun r = run("scrub", AnalyzerCommandsTest.CLEAN, "-o", out.toString(), "--keep-comm");
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    private static List<String[]> everySubcommand(String file, Path dir) {
        return List.of(
                new String[] {"info", file},
                new String[] {"tcplife", file},
                new String[] {"tcpstates", file},
                new String[] {"tcpretrans", file},
                new String[] {"tcpconnect", file},
                new String[] {"tcpaccept", file},
                new String[] {"tcpconnlat", file},
                new String[] {"tcpreset", file},
                new String[] {"tcprtt", file},
                new String[] {"print", file},
                new String[] {"sql", file, "SELECT count(*) FROM events"},
                new String[] {"diff", file, AnalyzerCommandsTest.CLEAN},
                new String[] {"scrub", file, "-o", dir.resolve("s.parquet").toString()},
                new String[] {"report", file, "-o", dir.resolve("r.html").toString()});
    }

    @Test
    void infoSaysWhetherATraceCarriesChecksums() {
        // a recording kept from before the writer stored checksums
        TcprecRun old = run(
                "info",
                AnalyzerCommandsTest.SAMPLES
                        .resolve("older-formats")
                        .resolve("clean.parquet")
                        .toString());
        assertEquals(0, old.exit(), old.err());
        assertTrue(old.out().contains("checksums:   none (written by a tcprec that stored no checksums)"), old.out());
        Path file = checksummed();
        TcprecRun checked = run("info", file.toString());
        assertEquals(0, checked.exit(), checked.err());
        assertTrue(checked.out().contains("checksums:   verified"), checked.out());
        TcprecRun json = run("info", "--json", file.toString());
        assertTrue(json.out().contains("\"checksums\": \"verified\""), json.out());
    }

    @Test
    void aFlippedBitInAPageIsRefusedByEverySubcommandNamingThePage() throws Exception {
        Path file = checksummed();
        ColumnMetaData rport = TraceFooter.read(file)
                .parquet()
                .getRow_groups()
                .get(0)
                .getColumns()
                .get(Column.BYTES_RECEIVED.ordinal())
                .getMeta_data();
        byte[] bytes = Files.readAllBytes(file);
        long start = rport.isSetDictionary_page_offset() && rport.getDictionary_page_offset() > 0
                ? rport.getDictionary_page_offset()
                : rport.getData_page_offset();
        bytes[(int) (start + rport.getTotal_compressed_size() - 1)] ^= 1;
        Files.write(file, bytes);
        for (String[] args : everySubcommand(file.toString(), dir)) {
            TcprecRun r = run(args);
            assertFailure(r, file + " is damaged: column bytes_received, row group 0, page ");
            assertEquals("", r.out(), String.join(" ", args));
        }
        assertTrue(Files.notExists(dir.resolve("s.parquet")) && Files.notExists(dir.resolve("r.html")));
    }

    @Test
    void aFlippedBitInTheMetadataIsRefusedNamingTheKey() throws Exception {
        Path file = checksummed();
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("\"online\"");
        bytes[at + 2] ^= 0x20;
        Files.write(file, bytes);
        for (String[] args : everySubcommand(file.toString(), dir)) {
            assertFailure(run(args), file + " is damaged: metadata key tcprec.metadata fails its checksum");
        }
    }
}
