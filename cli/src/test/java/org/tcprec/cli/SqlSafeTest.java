package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.assertFailure;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sql --safe: DuckDB confined to the traces, for traces from strangers. */
class SqlSafeTest {
    static final String CLEAN = AnalyzerCommandsTest.CLEAN;

    @TempDir
    Path dir;

    @Test
    void withoutSafeDuckDbReachesFilesAsTheUser() throws Exception {
        Path copy = dir.resolve("copy.csv");
        TcprecRun r = run("sql", CLEAN, "COPY (SELECT 1 AS x) TO '" + copy + "'");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(copy), "the unconfined sql writes files");
    }

    @Test
    void safeRefusesFilesOtherThanTheTracesAndKeepsTheViews() throws Exception {
        Path copy = dir.resolve("copy.csv");
        Path other = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        String[] refused = {
            "COPY (SELECT * FROM connections) TO '" + copy + "'",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM read_csv('" + other + "')",
            "ATTACH '" + dir.resolve("x.duckdb") + "' AS x",
            "SET enable_external_access = true",
            "SELECT count(*) FROM read_parquet('" + AnalyzerCommandsTest.SAMPLES.resolve("ipv6.parquet") + "')",
        };
        for (String sql : refused) {
            TcprecRun r = run("sql", "--safe", CLEAN, sql);
            assertFailure(r, "SQL error");
            assertFalse(r.out().contains("root:"), r.out());
        }
        assertFalse(Files.exists(copy));
        assertFalse(Files.exists(dir.resolve("x.duckdb")));

        TcprecRun views = run("sql", "--safe", CLEAN, "SELECT count(*) AS n FROM connections WHERE complete");
        assertEquals(0, views.exit(), views.err());
        assertEquals(List.of("n", "10"), views.out().lines().map(String::trim).toList());
        TcprecRun events = run("sql", "--safe", "--csv", CLEAN, "SELECT count(*) AS n FROM events");
        assertEquals(0, events.exit(), events.err());
        assertEquals(
                run("sql", "--csv", CLEAN, "SELECT count(*) AS n FROM events").out(), events.out());
        TcprecRun two = run(
                "sql",
                "--safe",
                AnalyzerCommandsTest.SAMPLES.resolve("diff-*.parquet").toString(),
                "SELECT count(DISTINCT filename) AS n FROM state_changes");
        assertEquals(0, two.exit(), two.err());
        assertEquals(List.of("n", "2"), two.out().lines().map(String::trim).toList());
    }
}
