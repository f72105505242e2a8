package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.format.Column;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceSchema;
import org.tcprec.format.metadata.JsonCodec;
import tools.jackson.databind.node.ObjectNode;

/**
 * Diff tests: each line of sample-traces/expected/cases.txt names an expected output file and the
 * tcprec command that must print it, byte for byte, from the committed sample traces. The
 * expected files were written from the workload each trace records (sample-traces/*.workload.txt)
 * and the bcc tools' formats, not pasted from tcprec's output.
 */
class ReportDiffTest {
    static final Path SAMPLES = Path.of("..", "sample-traces");

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesItsExpectedOutput() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(SAMPLES.resolve("expected/cases.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            String expectedFile = fields[0];
            String[] args = Arrays.copyOfRange(fields, 1, fields.length);
            tests.add(DynamicTest.dynamicTest(expectedFile + ": tcprec " + String.join(" ", args), () -> {
                String[] resolved = Arrays.stream(args)
                        .map(a -> a.endsWith(".parquet") ? SAMPLES.resolve(a).toString() : a)
                        .toArray(String[]::new);
                TcprecRun run = TcprecRun.of(resolved);
                assertEquals(0, run.exit(), run.err());
                assertEquals(Files.readString(SAMPLES.resolve("expected").resolve(expectedFile)), run.out());
            }));
        }
        return tests.stream();
    }

    @TempDir
    static Path rewritten;

    /**
     * The committed samples are 1.0 traces, which the reports read through DuckDB only. The same
     * events rewritten as 1.1 files (lifetimes stored, derived by the view's own rules for 1.0
     * files) must print the same expected outputs, now through the format's scan where a report
     * has one (tcpstates) and the stored lifetimes everywhere.
     */
    @TestFactory
    Stream<DynamicTest> samplesRewrittenInTheCurrentFormatPrintTheSame() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(SAMPLES.resolve("expected/cases.txt"))) {
            String[] fields = line.trim().split("\\s+");
            if (line.isBlank()
                    || line.startsWith("#")
                    || !List.of("tcpstates", "tcplife").contains(fields[1])
                    || Arrays.stream(fields).filter(f -> f.endsWith(".parquet")).count() != 1) {
                continue;
            }
            // samples recorded in the current format already (the kernel matrix's) need no copy
            String sample = Arrays.stream(fields)
                    .filter(f -> f.endsWith(".parquet"))
                    .findFirst()
                    .orElseThrow();
            // nor do those kept in their older formats (older-formats/), printed as they are
            if (sample.contains("/")
                    || TraceFooter.read(SAMPLES.resolve(sample)).columns().contains("life")) {
                continue;
            }
            String expectedFile = fields[0];
            String[] args = Arrays.copyOfRange(fields, 1, fields.length);
            tests.add(DynamicTest.dynamicTest(expectedFile + " from a 1.1 copy", () -> {
                String[] resolved = new String[args.length];
                for (int i = 0; i < args.length; i++) {
                    resolved[i] = args[i].endsWith(".parquet")
                            ? currentFormatCopy(args[i]).toString()
                            : args[i];
                }
                TcprecRun run = TcprecRun.of(resolved);
                assertEquals(0, run.exit(), run.err());
                assertEquals(Files.readString(SAMPLES.resolve("expected").resolve(expectedFile)), run.out());
            }));
        }
        return tests.stream();
    }

    /** The sample's rows in file order with their derived lifetimes, written by DuckDB as a 1.1 trace. */
    private static Path currentFormatCopy(String sample) throws Exception {
        Path copy = rewritten.resolve(sample);
        if (Files.exists(copy)) {
            return copy;
        }
        try (TraceDatabase db = TraceDatabase.open(List.of(SAMPLES.resolve(sample)))) {
            TraceFooter footer = db.footers().get(0);
            assertTrue(!footer.columns().contains("life"), sample + " is a 1.0 trace");
            ObjectNode metadata = (ObjectNode) footer.metadataJson().deepCopy();
            metadata.put("format_version", TraceSchema.VERSION);
            List<String> columns = new ArrayList<>();
            for (Column c : Column.values()) {
                columns.add(c == Column.TIME_NS ? "epoch_ns(time) AS time_ns" : c.columnName());
            }
            try (Statement s = db.connection().createStatement()) {
                s.execute("COPY (SELECT " + String.join(", ", columns) + " FROM raw_events ORDER BY seq) TO '" + copy
                        + "' (FORMAT parquet, COMPRESSION zstd, KV_METADATA {'" + TraceSchema.FORMAT_VERSION_KEY
                        + "': '"
                        + TraceSchema.VERSION + "', '" + TraceSchema.METADATA_KEY + "': '"
                        + JsonCodec.write(metadata).replace("'", "''") + "'})");
            }
        }
        TraceFooter footer = TraceFooter.read(copy);
        assertTrue(footer.columns().contains("life"), copy + " stores lifetimes");
        return copy;
    }
}
