package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

/** Names a trace supplies (tracepoint names, its own file name) are data to DuckDB, never SQL or globs. */
class TraceNamesTest {
    @TempDir
    Path dir;

    @Test
    void missingTracepointNamesWithQuotesAndCommasStayWhole() throws Exception {
        Path file = dir.resolve("t.parquet");
        List<String> missing = List.of("tcp:it's", "tcp:a,b", "tcp:[x]");
        try (TraceWriter w = new TraceWriter(file)) {
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", 0), "tracepoints", Map.of("missing", missing)))));
        }
        TcprecRun r = run("sql", "--csv", file.toString(), "SELECT unnest(missing_tracepoints) AS m FROM traces");
        assertEquals(0, r.exit(), r.err());
        assertEquals("m\ntcp:it's\n\"tcp:a,b\"\ntcp:[x]\n", r.out().replace("\r", ""));
        TcprecRun report = run("tcpstates", file.toString());
        assertEquals(0, report.exit(), report.err());
        assertTrue(report.err().contains("tcp:it's, tcp:a,b, tcp:[x]"), report.err());
    }

    @Test
    void aFileNamedLikeAGlobIsReadAloneAndEachMatchOnce() throws Exception {
        Path samples = AnalyzerCommandsTest.SAMPLES;
        Path literal = dir.resolve("a?.parquet");
        Path other = dir.resolve("ab.parquet");
        Files.copy(samples.resolve("clean.parquet"), literal);
        Files.copy(samples.resolve("retransmits-resets.parquet"), other);
        long literalRows = rows(samples.resolve("clean.parquet"));
        long otherRows = rows(samples.resolve("retransmits-resets.parquet"));
        assertTrue(literalRows != otherRows);
        TcprecRun one = run(
                "sql", "--csv", literal.toString(), "SELECT count(*) AS n, count(DISTINCT filename) AS f FROM events");
        assertEquals(0, one.exit(), one.err());
        assertEquals("n,f\n" + literalRows + ",1\n", one.out());
        TcprecRun both = run(
                "sql",
                "--csv",
                dir.resolve("*.parquet").toString(),
                "SELECT regexp_extract(filename, '[^/]+$') AS f, count(*) AS n FROM events GROUP BY 1 ORDER BY 1");
        assertEquals(0, both.exit(), both.err());
        assertEquals("f,n\na?.parquet," + literalRows + "\nab.parquet," + otherRows + "\n", both.out());
    }

    private static long rows(Path trace) {
        TcprecRun count = run("sql", "--csv", trace.toString(), "SELECT count(*) AS n FROM events");
        assertEquals(0, count.exit(), count.err());
        return Long.parseLong(count.out().lines().toList().get(1));
    }
}
