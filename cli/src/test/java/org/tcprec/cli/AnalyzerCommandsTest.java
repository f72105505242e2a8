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
        // the second-kernel workload on 6.1 (a VM of its own boot) and on 6.18
        assertTrue(lines.contains("kernel-6.1.parquet,1,1,250"), r.out());
        assertTrue(lines.contains("kernel-6.18.parquet,1,1,232"), r.out());
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

    /**
     * A connection whose SYN_SENT -> ESTABLISHED is missing, on an address used before: no loss
     * counter saw it, and the writer counts the broken lifetime.
     */
    static Path brokenLifetimeTrace(Path file) throws Exception {
        long sk = 0xffff8880_0000_1000L;
        String[][] changes = {
            {"CLOSE", "SYN_SENT"}, {"SYN_SENT", "ESTABLISHED"}, {"ESTABLISHED", "FIN_WAIT1"}, {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"}, {"CLOSE", "SYN_SENT"}, {"ESTABLISHED", "FIN_WAIT1"}, {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"},
        };
        try (TraceWriter w = new TraceWriter(file)) {
            long t = 1_764_000_000_000_000_000L;
            for (int i = 0; i < changes.length; i++) {
                t += 1_000_000;
                w.write(new org.tcprec.format.EventRow(t, "inet_sock_set_state", 0, 7, 7, "client", 4026531840L, null, sk,
                        2, "127.0.0.1", 40000 + i / 5, "127.0.0.1", 80, changes[i][0], changes[i][1], null, 6, 0L, 0L, null,
                        null, null, null, null, null, null, null, null, null, null, null, null, null));
            }
            w.metadata(Map.of("lost_events", Map.of("total", 0), "tracepoints", Map.of("missing", List.of())));
        }
        return file;
    }

    /** Every report warns about it, and info counts it. */
    @Test
    void aLifetimeThatSkipsAStateIsWarnedAboutByEveryReport() throws Exception {
        Path file = brokenLifetimeTrace(dir.resolve("broken.parquet"));
        for (String report : new String[] {"tcplife", "tcpstates", "tcpconnect", "sql"}) {
            TcprecRun r = report.equals("sql") ? run("sql", file.toString(), "SELECT 1") : run(report, file.toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals("WARNING: " + file + ": 1 socket lifetimes skip states (state changes are missing that no loss "
                    + "counter saw); their connections below are split or incomplete\n", r.err(), report);
        }
        TcprecRun info = run("info", file.toString());
        assertTrue(info.out().lines().anyMatch(l -> l.matches("broken lifetimes\\s*:?\\s+1 .*")), info.out());
    }
}
