package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Diff tests: each line of sample-traces/expected/cases.txt names an expected output file and the
 * tcprec command that must print it, byte for byte, from the committed sample traces (format
 * 2.0) and the previous recordings kept in formats 1.0 and 1.1 (sample-traces/older-formats/).
 * The expected files but diff's are derived from each trace's raw rows by
 * sample-traces/derive-expected.sh with the bcc tools' rules and formats, not pasted from
 * tcprec's output.
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
}
