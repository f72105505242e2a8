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
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

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
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", lost), "tracepoints", Map.of("missing", List.of())))));
        }
        return file;
    }

    @Test
    void sqlAnswersFromTheViewsWithParametersOfItsOwn() {
        TcprecRun r = run("sql", CLEAN, "SELECT count(*) AS n FROM connections WHERE complete");
        assertEquals(0, r.exit(), r.err());
        // 5 echo connections, each seen from both ends
        assertEquals(List.of("n", "10"), r.out().lines().map(String::trim).toList());
        TcprecRun csv = run(
                "sql",
                "--csv",
                CLEAN,
                "SELECT rport, count(*) AS c FROM connections " + "WHERE lport = 43793 GROUP BY 1 ORDER BY 1");
        assertEquals("rport,c\n37432,1\n37444,1\n37446,1\n37452,1\n37464,1\n", csv.out());
        TcprecRun json = run("sql", "--json", CLEAN, "SELECT key, value FROM meta WHERE key = 'host.uname.machine'");
        assertEquals("{\"key\":\"host.uname.machine\",\"value\":\"x86_64\"}\n", json.out());
    }

    @Test
    void sqlOverSeveralTracesKnowsWhereEachRowCameFrom() throws Exception {
        TcprecRun r = run(
                "sql",
                "--csv",
                SAMPLES.resolve("*.parquet").toString(),
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
        // the kernel-matrix workload on 5.10, 6.1 and 6.12 (VMs of their own boots) and on 6.18
        assertTrue(lines.contains("kernel-5.10.parquet,1,1,269"), r.out());
        assertTrue(lines.contains("kernel-6.1.parquet,1,1,261"), r.out());
        assertTrue(lines.contains("kernel-6.12.parquet,1,1,259"), r.out());
        assertTrue(lines.contains("kernel-6.18.parquet,1,1,218"), r.out());
    }

    /** A fleet laid out by host (bench.SyntheticFleet's layout, the README's fleet section) is one glob away. */
    @Test
    void sqlReadsAFleetLaidOutByHostThroughADirectoryGlob() throws Exception {
        for (String host : List.of("web1", "web2")) {
            Path hostDir = Files.createDirectories(dir.resolve("fleet/host=" + host));
            Files.copy(Path.of(CLEAN), hostDir.resolve("trace.parquet"));
        }
        Files.createDirectories(dir.resolve("fleet/notes"));
        Files.writeString(dir.resolve("fleet/notes/trace.parquet"), "not a host's directory: not matched");
        TcprecRun r = run(
                "sql",
                "--csv",
                dir.resolve("fleet/host=*/*.parquet").toString(),
                "SELECT regexp_extract(filename, 'host=([a-z0-9]+)', 1) AS host, count(*) AS n FROM events GROUP BY 1 ORDER BY 1");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("web1,") && lines.get(2).startsWith("web2,"), r.out());
        assertEquals(lines.get(1).substring(5), lines.get(2).substring(5), r.out());
        // the directory names add no column: host is the footer's
        TcprecRun columns = run(
                "sql",
                "--csv",
                dir.resolve("fleet/host=*/*.parquet").toString(),
                "SELECT string_agg(column_name, ' ' ORDER BY column_name) FROM (DESCRIBE events) WHERE column_name LIKE 'host%'");
        assertEquals("host", columns.out().lines().toList().get(1), columns.out() + columns.err());
    }

    @Test
    void sqlErrorsAreOneLine() {
        assertFailure(run("sql", CLEAN, "SELEC nonsense"), "SQL error");
        assertFailure(run("sql", CLEAN, "SELECT no_such_column FROM events"), "SQL error");
        assertFailure(run("sql", SAMPLES.resolve("nothing-*.parquet").toString(), "SELECT 1"), "no trace file matches");
    }

    @Test
    void reportsRejectMissingAndForeignFiles() throws Exception {
        for (String report : new String[] {
            "tcplife", "tcpstates", "tcpretrans", "tcpconnect", "tcpaccept", "tcpconnlat", "tcpreset", "tcprtt", "print"
        }) {
            assertFailure(run(report, dir.resolve("missing.parquet").toString()), "no such file");
            Path text = Files.writeString(dir.resolve("x.txt"), "not a trace");
            assertFailure(run(report, text.toString()), "not a tcprec trace");
        }
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
            TcprecRun r =
                    report.equals("sql") ? run("sql", lossy.toString(), "SELECT 1") : run(report, lossy.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(
                    r.err().startsWith("WARNING: ") && r.err().contains("1,234 events were lost"),
                    report + ": " + r.err());
        }
    }

    private static org.tcprec.format.EventRow passiveRow(
            long t, String event, long sk, int rport, String oldstate, String newstate, int tgid, String comm) {
        boolean change = event.equals("inet_sock_set_state");
        return EventRowBuilder.row(t, event)
                .task(tgid, tgid, comm)
                .netns(4026531840L)
                .skaddr(sk)
                .family(2)
                .local("127.0.0.1", 80)
                .remote("127.0.0.1", rport)
                .transition(change ? oldstate : null, change ? newstate : null)
                .state(change ? null : newstate)
                .bytes(change ? 1L : null, change ? 1L : null)
                .build();
    }

    /**
     * tcpaccept's PID/COMM are the closer's: at LAST_ACK for an orderly close, at the move to CLOSE
     * with the RST it sent for an abortive one; a socket reset by the peer (in softirq, on whatever
     * task ran) names none.
     */
    @Test
    void tcpacceptNamesTheCloserOfAnAbortiveClose() throws Exception {
        Path file = dir.resolve("aborts.parquet");
        long t = 1_764_000_000_000_000_000L;
        long aborted = 0xffff8880_0000_1000L;
        long reset = 0xffff8880_0000_2000L;
        long orderly = 0xffff8880_0000_3000L;
        try (TraceWriter w = new TraceWriter(file)) {
            for (long sk : new long[] {aborted, reset, orderly}) {
                int rport = 50000 + (int) (sk >> 12 & 0xf);
                w.write(passiveRow(t += 1000, "inet_sock_set_state", sk, rport, "LISTEN", "SYN_RECV", 0, "swapper/0"));
                w.write(passiveRow(
                        t += 1000, "inet_sock_set_state", sk, rport, "SYN_RECV", "ESTABLISHED", 0, "swapper/0"));
            }
            w.write(passiveRow(
                    t += 1000, "inet_sock_set_state", aborted, 50001, "ESTABLISHED", "CLOSE", 321, "server"));
            w.write(passiveRow(t += 1000, "tcp_send_reset", aborted, 50001, null, "CLOSE", 321, "server"));
            w.write(passiveRow(t += 1000, "tcp_receive_reset", reset, 50002, null, "ESTABLISHED", 99, "bystander"));
            w.write(passiveRow(
                    t += 1000, "inet_sock_set_state", reset, 50002, "ESTABLISHED", "CLOSE", 99, "bystander"));
            w.write(passiveRow(
                    t += 1000, "inet_sock_set_state", orderly, 50003, "ESTABLISHED", "CLOSE_WAIT", 0, "swapper/0"));
            w.write(passiveRow(
                    t += 1000, "inet_sock_set_state", orderly, 50003, "CLOSE_WAIT", "LAST_ACK", 321, "server"));
            w.write(passiveRow(t += 1000, "inet_sock_set_state", orderly, 50003, "LAST_ACK", "CLOSE", 0, "swapper/0"));
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", 0), "tracepoints", Map.of("missing", List.of())))));
        }
        TcprecRun r = run("tcpaccept", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(
                List.of(
                        "PID     COMM             IP RADDR            RPORT LADDR            LPORT",
                        "321     server           4  127.0.0.1        50001 127.0.0.1        80   ",
                        "-       -                4  127.0.0.1        50002 127.0.0.1        80   ",
                        "321     server           4  127.0.0.1        50003 127.0.0.1        80   "),
                r.out().lines().toList());
    }

    /**
     * A listener open when the recording began shows only its LISTEN -> CLOSE: a listener, like
     * one whose whole lifetime was recorded, not a connection to remote port 0.
     */
    @Test
    void aListenerOpenAtTheStartIsNotAConnection() throws Exception {
        Path file = dir.resolve("listener.parquet");
        long t = 1_764_000_000_000_000_000L;
        long listener = 0xffff8880_0000_5000L;
        long child = 0xffff8880_0000_6000L;
        try (TraceWriter w = new TraceWriter(file)) {
            w.write(passiveRow(t += 1000, "inet_sock_set_state", child, 50001, "LISTEN", "SYN_RECV", 0, "swapper/0"));
            w.write(passiveRow(
                    t += 1000, "inet_sock_set_state", child, 50001, "SYN_RECV", "ESTABLISHED", 0, "swapper/0"));
            w.write(passiveRow(t += 1000, "inet_sock_set_state", listener, 0, "LISTEN", "CLOSE", 321, "server"));
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", 0), "tracepoints", Map.of("missing", List.of())))));
        }
        TcprecRun r = run("sql", "--csv", file.toString(), "SELECT skaddr, rport FROM connections");
        assertEquals(0, r.exit(), r.err());
        assertEquals(
                List.of("skaddr,rport", Long.toUnsignedString(child) + ",50001"),
                r.out().lines().toList());
        TcprecRun partial = run("tcplife", "--partial", file.toString());
        assertEquals(2, partial.out().lines().count(), partial.out());
        assertTrue(partial.out().contains("50001") && !partial.out().contains("server"), partial.out());
    }

    /**
     * A comm and a host name holding ESC, CR, NUL, DEL and a C1 control reach no output raw: every
     * report, info, print, sql and diff print them escaped (\\x1b), and nothing else of the line changes.
     */
    @Test
    void controlCharactersFromATraceAreEscapedInEveryOutput() throws Exception {
        String comm = "ev\u001b]0;x\u0007\r\u0000\u007f\u009bil";
        String escapedComm = "ev\\x1b]0;x\\x07\\x0d\\x00\\x7f\\xc2\\x9bil";
        Path file = dir.resolve("hostile.parquet");
        long t = 1_764_000_000_000_000_000L;
        long sk = 0xffff8880_0000_4000L;
        try (TraceWriter w = new TraceWriter(file)) {
            w.write(passiveRow(t += 1000, "inet_sock_set_state", sk, 50001, "LISTEN", "SYN_RECV", 0, comm));
            w.write(passiveRow(t += 1000, "inet_sock_set_state", sk, 50001, "SYN_RECV", "ESTABLISHED", 0, comm));
            w.write(passiveRow(t += 1000, "inet_sock_set_state", sk, 50001, "ESTABLISHED", "CLOSE_WAIT", 0, comm));
            w.write(passiveRow(t += 1000, "inet_sock_set_state", sk, 50001, "CLOSE_WAIT", "LAST_ACK", 321, comm));
            w.write(passiveRow(t += 1000, "inet_sock_set_state", sk, 50001, "LAST_ACK", "CLOSE", 0, comm));
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of(
                    "lost_events",
                    Map.of("total", 0),
                    "tracepoints",
                    Map.of("missing", List.of()),
                    "host",
                    Map.of("hostname", "host\u001b[2J\r\u0000")))));
        }
        String f = file.toString();
        String[][] runs = {
            {"tcplife", f},
            {"tcplife", "-s", f},
            {"tcpstates", f},
            {"tcpstates", "-s", f},
            {"tcpaccept", f},
            {"print", f},
            {"info", f},
            {"sql", f, "SELECT comm FROM events"},
            {"sql", "--csv", f, "SELECT comm FROM events"},
            {"diff", f, f, "--by", "comm"},
            {"diff", "--markdown", f, f, "--by", "comm"}
        };
        for (String[] args : runs) {
            TcprecRun r = run(args);
            assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
            String what = String.join(" ", args) + ":\n" + r.out();
            assertTrue(r.out().chars().noneMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c < 0xa0), what);
            // Markdown escapes the escapes' backslashes once more
            String expected = args[0].equals("info") ? "host\\x1b[2J\\x0d\\x00" : escapedComm.substring(0, 15);
            assertTrue(
                    r.out().contains(args[1].equals("--markdown") ? expected.replace("\\", "\\\\") : expected), what);
        }
        // the same report of a trace with plain names is as before: only the escaped bytes differ
        TcprecRun states = run("tcpstates", "-s", f);
        assertTrue(states.out().contains("," + escapedComm + ",4,127.0.0.1,80,127.0.0.1,50001,"), states.out());
    }

    /**
     * A connection whose SYN_SENT -> ESTABLISHED is missing, on an address used before: no loss
     * counter saw it, and the writer counts the broken lifetime.
     */
    static Path brokenLifetimeTrace(Path file) throws Exception {
        return brokenLifetimeTrace(file, Map.of());
    }

    /** The same, with more metadata keys. */
    static Path brokenLifetimeTrace(Path file, Map<String, Object> moreMetadata) throws Exception {
        long sk = 0xffff8880_0000_1000L;
        String[][] changes = {
            {"CLOSE", "SYN_SENT"},
            {"SYN_SENT", "ESTABLISHED"},
            {"ESTABLISHED", "FIN_WAIT1"},
            {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"},
            {"CLOSE", "SYN_SENT"},
            {"ESTABLISHED", "FIN_WAIT1"},
            {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"},
        };
        try (TraceWriter w = new TraceWriter(file)) {
            long t = 1_764_000_000_000_000_000L;
            for (int i = 0; i < changes.length; i++) {
                t += 1_000_000;
                w.write(EventRowBuilder.row(t, "inet_sock_set_state")
                        .task(7, 7, "client")
                        .netns(4026531840L)
                        .skaddr(sk)
                        .family(2)
                        .local("127.0.0.1", 40000 + i / 5)
                        .remote("127.0.0.1", 80)
                        .transition(changes[i][0], changes[i][1])
                        .bytes(0L, 0L)
                        .build());
            }
            Map<String, Object> metadata = new java.util.LinkedHashMap<>(moreMetadata);
            metadata.put("lost_events", Map.of("total", 0));
            metadata.put("tracepoints", Map.of("missing", List.of()));
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(metadata)));
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
            assertEquals(
                    "WARNING: " + file + ": 1 socket lifetimes skip states (state changes are missing that no loss "
                            + "counter saw); their connections below are split or incomplete\n",
                    r.err(),
                    report);
        }
        TcprecRun info = run("info", file.toString());
        assertTrue(info.out().lines().anyMatch(l -> l.matches("broken lifetimes\\s*:?\\s+1 .*")), info.out());
    }

    /**
     * A 1.1 trace whose rows are not in time order, as the format promises: the second
     * connection's rows are stored after the first's with earlier times. The reports that read
     * the file in its order refuse it in one line instead of printing a wrong or empty report.
     */
    @Test
    void rowsOutOfTimeOrderAreRefused() throws Exception {
        Path file = dir.resolve("unordered.parquet");
        String[][] changes = {
            {"CLOSE", "SYN_SENT"},
            {"SYN_SENT", "ESTABLISHED"},
            {"ESTABLISHED", "FIN_WAIT1"},
            {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"}
        };
        try (TraceWriter w = new TraceWriter(file)) {
            for (long start : new long[] {1_764_000_100_000_000_000L, 1_764_000_000_000_000_000L}) {
                long sk = 0xffff8880_0000_1000L + start % 1_000_000_000_000L;
                for (int i = 0; i < changes.length; i++) {
                    w.write(EventRowBuilder.row(start + i * 1_000_000L, "inet_sock_set_state")
                            .task(7, 7, "client")
                            .netns(4026531840L)
                            .skaddr(sk)
                            .family(2)
                            .local("127.0.0.1", 40000)
                            .remote("127.0.0.1", 80)
                            .transition(changes[i][0], changes[i][1])
                            .bytes(0L, 0L)
                            .build());
                }
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", 0), "tracepoints", Map.of("missing", List.of())))));
        }
        for (String report : new String[] {"tcplife", "tcpstates"}) {
            assertFailure(run(report, file.toString()), "not in time order");
        }
    }
}
