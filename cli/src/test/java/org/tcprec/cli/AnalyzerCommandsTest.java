package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.assertFailure;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceWriter;

/** The analyzer's commands on good, empty, incomplete and bad input. */
class AnalyzerCommandsTest {
    static final Path SAMPLES = Path.of("..", "sample-traces");
    static final String CLEAN = SAMPLES.resolve("clean.parquet").toString();

    @TempDir
    Path dir;

    /** A trace with no events, claiming the given lost-event count in its metadata. */
    Path emptyTrace(String name, long lost) throws Exception {
        Path file = dir.resolve(name);
        try (TraceWriter w = new TraceWriter(file)) {
            w.metadata(Map.of("lost_events", Map.of("total", lost), "tracepoints", Map.of("missing", List.of())));
        }
        return file;
    }

    @Test
    void sqlAnswersFromTheViewsWithParametersOfItsOwn() {
        TcprecRun r = run("sql", CLEAN, "SELECT count(*) AS n FROM connections WHERE complete");
        assertEquals(0, r.exit(), r.err());
        // 5 echo connections, each seen from both ends
        assertEquals(List.of("n", "10"), r.out().lines().map(String::trim).toList());
        TcprecRun csv = run("sql", "--csv", CLEAN, "SELECT rport, count(*) AS c FROM connections "
                + "WHERE lport = 46613 GROUP BY 1 ORDER BY 1");
        assertEquals("rport,c\n42938,1\n42940,1\n42956,1\n42966,1\n42980,1\n", csv.out());
        TcprecRun json = run("sql", "--json", CLEAN, "SELECT key, value FROM meta WHERE key = 'host.uname.machine'");
        assertEquals("{\"key\":\"host.uname.machine\",\"value\":\"x86_64\"}\n", json.out());
    }

    @Test
    void sqlOverSeveralTracesKnowsWhereEachRowCameFrom() throws Exception {
        TcprecRun r = run("sql", "--csv", SAMPLES.resolve("*.parquet").toString(),
                "SELECT regexp_extract(filename, '[^/]+$') AS f, count(DISTINCT host) AS hosts, count(DISTINCT boot_id) AS boots, "
                        + "count(*) AS events FROM events GROUP BY 1 ORDER BY 1");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("f,hosts,boots,events", lines.get(0));
        long traces;
        try (var files = Files.list(SAMPLES)) {
            traces = files.filter(p -> p.toString().endsWith(".parquet")).count();
        }
        assertTrue(traces >= 4);
        assertEquals(1 + traces, lines.size(), r.out()); // a header and a line per sample trace
        assertTrue(lines.get(1).startsWith("clean.parquet,1,1,"), r.out());
    }

    @Test
    void sqlErrorsAreOneLine() {
        assertFailure(run("sql", CLEAN, "SELEC nonsense"), "SQL error");
        assertFailure(run("sql", CLEAN, "SELECT no_such_column FROM events"), "SQL error");
        assertFailure(run("sql", SAMPLES.resolve("nothing-*.parquet").toString(), "SELECT 1"), "no trace file matches");
    }

    @Test
    void reportsRejectMissingAndForeignFiles() throws Exception {
        for (String report : new String[] {"tcplife", "tcpstates", "tcpretrans", "tcpconnect", "tcpaccept", "tcpconnlat",
            "tcpreset", "tcprtt", "print"}) {
            assertFailure(run(report, dir.resolve("missing.parquet").toString()), "no such file");
            Path text = Files.writeString(dir.resolve("x.txt"), "not a trace");
            assertFailure(run(report, text.toString()), "not a tcprec trace");
        }
        assertFailure(run("tcplife", "-4", "-6", CLEAN), "exclude each other");
        assertFailure(run("print", "-e", "bogus", CLEAN), "unknown event");
    }

    @Test
    void anEmptyTracePrintsHeadersOnly() throws Exception {
        Path empty = emptyTrace("empty.parquet", 0);
        TcprecRun r = run("tcplife", empty.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        assertEquals("", r.err());
        TcprecRun count = run("tcpretrans", "-c", empty.toString());
        assertEquals(0, count.exit(), count.err());
    }

    @Test
    void lostEventsAreWarnedAboutByEveryReport() throws Exception {
        Path lossy = emptyTrace("lossy.parquet", 1234);
        for (String report : new String[] {"tcplife", "tcpstates", "tcpretrans", "sql"}) {
            TcprecRun r = report.equals("sql") ? run("sql", lossy.toString(), "SELECT 1")
                    : run(report, lossy.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().startsWith("WARNING: ") && r.err().contains("1,234 events were lost"), report + ": " + r.err());
        }
    }
}
