package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers print the same whatever the user's locale: every diff-test case, info, sql --csv and
 * scrub's summary, run under German defaults (decimal comma, dot as thousands separator), print
 * what they print under the root locale, and the diff cases their expected files.
 */
class LocaleIndependenceTest {
    private static final Path SAMPLES = ReportDiffTest.SAMPLES;

    @TempDir
    Path dir;

    @Test
    void aCommaDecimalLocaleChangesNoOutput() throws Exception {
        List<String[]> commands = new ArrayList<>();
        for (String line : Files.readAllLines(SAMPLES.resolve("expected/cases.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] fields = line.trim().split("\\s+");
                commands.add(Arrays.copyOfRange(fields, 1, fields.length));
            }
        }
        commands.add(new String[] {"info", "retransmits-resets.parquet"});
        commands.add(new String[] {"info", "--json", "clean.parquet"});
        commands.add(new String[] {
            "sql",
            "--csv",
            "clean.parquet",
            "SELECT avg(srtt_us) / 1000.0 AS ms, 1234567.5 AS big, count(*) AS n FROM events"
        });
        commands.add(new String[] {"sql", "--json", "clean.parquet", "SELECT avg(srtt_us) / 1000.0 AS ms FROM events"});
        commands.add(new String[] {"tcprtt", "clean.parquet"});
        commands.add(new String[] {
            "scrub", "clean.parquet", "-o", dir.resolve("s.parquet").toString(), "--force"
        });
        Locale saved = Locale.getDefault();
        try {
            for (String[] command : commands) {
                String[] args = Arrays.stream(command)
                        .map(a -> a.endsWith(".parquet") && !a.startsWith("/")
                                ? SAMPLES.resolve(a).toString()
                                : a)
                        .toArray(String[]::new);
                Locale.setDefault(Locale.ROOT);
                TcprecRun root = TcprecRun.of(args);
                Locale.setDefault(Locale.GERMANY);
                TcprecRun german = TcprecRun.of(args);
                String what = String.join(" ", command);
                assertEquals(0, root.exit(), what + ": " + root.err());
                assertEquals(root.out(), german.out(), what);
                if (!command[0].equals("scrub")) {
                    assertEquals(root.err(), german.err(), what);
                } else {
                    assertTrue(german.err().contains("scrubbed 73 events"), german.err());
                }
            }
        } finally {
            Locale.setDefault(saved);
        }
        Locale.setDefault(Locale.GERMANY);
        try {
            assertTrue(
                    TcprecRun.of("info", SAMPLES.resolve("clean.parquet").toString())
                            .out()
                            .matches("(?s).*\\d\\.\\d B/event.*"),
                    "a decimal point, not a comma");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
