package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.metadata.JsonCodec;

/** Exit codes and messages of every subcommand, through CommandLine.execute as main uses it. */
class CommandLineErrorsTest {
    static final Path SAMPLE = Path.of("..", "sample-traces", "clean.parquet");

    @TempDir
    Path dir;

    static TcprecRun run(String... args) {
        return TcprecRun.of(args);
    }

    /** A failure: exit 1, one line naming the problem, no stack trace. */
    static void assertFailure(TcprecRun r, String expectedText) {
        assertEquals(1, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        assertTrue(r.err().startsWith("tcprec: "), r.err());
        assertTrue(r.err().contains(expectedText), r.err());
    }

    /** A usage error: exit 2, the problem and a pointer to --help. */
    static void assertUsage(TcprecRun r, String expectedText) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(2, r.errLines().size(), r.err());
        assertTrue(r.err().contains(expectedText), r.err());
        assertTrue(r.errLines().get(1).contains("--help"), r.err());
    }

    @Test
    void versionAndHelp() throws Exception {
        TcprecRun version = run("--version");
        assertEquals(0, version.exit());
        // the pom's version and the checked-out commit, both as this test finds them itself
        String pom = Files.readString(Path.of("..", "pom.xml"));
        java.util.regex.Matcher v = java.util.regex.Pattern.compile(
                        "<artifactId>tcprec-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(v.find());
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").start();
        String commit =
                new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        assertEquals(0, git.waitFor());
        assertTrue(
                version.out()
                        .matches("tcprec " + java.util.regex.Pattern.quote(v.group(1)) + " \\(commit " + commit
                                + "(-dirty)?\\), trace format "
                                + java.util.regex.Pattern.quote(org.tcprec.format.TraceSchema.VERSION) + "\\n"),
                version.out());
        for (String sub : new String[] {"record", "recover", "info", "scrub", "report"}) {
            TcprecRun help = run(sub, "--help");
            assertEquals(0, help.exit(), sub);
            assertTrue(help.out().contains("Usage: tcprec " + sub), help.out());
        }
    }

    /**
     * Every subcommand's help renders as written: picocli formats descriptions with printf, and a
     * bare % (diff's '+20%,' example did) makes it warn on standard error and print the raw text.
     */
    @Test
    void everyHelpTextFormatsWithoutWarnings() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            for (picocli.CommandLine sub : Main.commandLine().getSubcommands().values()) {
                TcprecRun help = run(sub.getCommandName(), "--help");
                assertEquals(0, help.exit(), sub.getCommandName());
                assertTrue(help.out().contains("Usage: tcprec " + sub.getCommandName()), help.out());
            }
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", captured.toString());
        assertTrue(run("diff", "--help").out().contains("'retransmits_per_conn>+20%,connect_p99>+5ms'"));
    }

    @Test
    void noOrUnknownSubcommandIsAUsageError() {
        assertUsage(run(), "subcommand is required");
        assertUsage(run("bogus"), "bogus");
    }

    @Test
    void infoOnASampleTraceDescribesIt() {
        TcprecRun r = run("info", SAMPLE.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("format:      tcprec trace 2.0"), r.out());
        assertTrue(r.out().contains("lost events: 0"), r.out());
        assertTrue(r.out().contains("inet_sock_set_state"), r.out());
        TcprecRun json = run("info", "--json", SAMPLE.toString());
        assertEquals(0, json.exit());
        assertTrue(json.out().contains("\"boot_id\""), json.out());
    }

    @Test
    void infoRejectsWhatIsNotATrace() throws Exception {
        assertFailure(run("info", dir.resolve("missing.parquet").toString()), "no such file");
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, not parquet\n");
        assertFailure(run("info", text.toString()), "not a tcprec trace");
        assertFailure(run("info", dir.toString()), "is a directory");
        byte[] whole = Files.readAllBytes(SAMPLE);
        Path truncated = Files.write(dir.resolve("truncated.parquet"), Arrays.copyOf(whole, whole.length - 100));
        assertFailure(run("info", truncated.toString()), "not a tcprec trace");
        Path plain = dir.resolve("plain.parquet");
        try (var c = DriverManager.getConnection("jdbc:duckdb:");
                var s = c.createStatement()) {
            s.execute("COPY (SELECT 1 AS x) TO '" + plain + "' (FORMAT parquet)");
        }
        assertFailure(run("info", plain.toString()), "not a tcprec trace");
        assertUsage(run("info"), "FILE");
    }

    /** Options that exclude each other are picocli groups: both given is a usage error, and --help shows the pair. */
    @Test
    void exclusiveOptionsAreUsageErrorsAndShownInHelp() {
        String clean = SAMPLE.toString();
        String out = dir.resolve("x.parquet").toString();
        String[][] cases = {
            {"diff", "--json", "--markdown", clean, clean},
            {"tcplife", "-4", "-6", clean},
            {"tcplife", "-s", "--json", clean},
            {"record", "-4", "-6", "-o", out},
            {"sql", "--csv", "--json", clean, "SELECT 1"},
            {"scrub", "--scrub-ports", "--keep-ports", clean, "-o", out},
            {"tcprtt", "-b", "-B", clean},
        };
        for (String[] c : cases) {
            assertUsage(run(c), "mutually exclusive");
            String help = run(c[0], "--help").out();
            assertTrue(help.contains("[" + c[1] + " | " + c[2] + "]"), c[0] + ": " + help);
        }
        assertFalse(Files.exists(dir.resolve("x.parquet")));
    }

    @Test
    void printRejectsAPortOutOfRangeAndAnEmptyTimeRange() {
        assertUsage(run("print", "--port", "99999", SAMPLE.toString()), "out of range 1-65535");
        assertUsage(run("print", "--port", "0", SAMPLE.toString()), "out of range 1-65535");
        assertUsage(run("print", "--from", "5s", "--to", "1s", SAMPLE.toString()), "--to");
        assertEquals(
                0, run("print", "--from", "1s", "--to", "1s", SAMPLE.toString()).exit());
    }

    @Test
    void aGlobInAMissingDirectoryNamesThePattern() {
        String pattern = dir.resolve("nomatch/*.parquet").toString();
        assertFailure(run("sql", pattern, "SELECT 1"), "no trace file matches " + pattern + ": there is no directory");
    }

    @Test
    void recordRejectsBadOptionsBeforeTouchingTheKernel() throws Exception {
        assertUsage(run("record", "-d", "soon"), "not a duration");
        assertUsage(run("record", "-L", "99999"), "out of range");
        assertUsage(run("record", "-D", "http"), "not a port");
        assertUsage(run("record", "--ring-size", "lots"), "not a size");
        assertFailure(
                run(
                        "record",
                        "--ring-size",
                        "1000",
                        "-o",
                        dir.resolve("a.parquet").toString()),
                "power of two");
        assertFailure(run("record", "-o", dir.resolve("no/such/dir/a.parquet").toString()), "does not exist");
        assertFailure(
                run(
                        "record",
                        "--netns",
                        "/no/such/netns",
                        "-o",
                        dir.resolve("a.parquet").toString()),
                "--netns");
        Path existing = Files.writeString(dir.resolve("existing.parquet"), "keep me");
        assertFailure(run("record", "-o", existing.toString()), "--force");
        assertEquals("keep me", Files.readString(existing));
        Path link = Files.createSymbolicLink(dir.resolve("link.parquet"), existing);
        assertFailure(run("record", "--force", "-o", link.toString()), "symbolic link");
        assertEquals("keep me", Files.readString(existing));
    }

    /**
     * A 1.1 trace with a damaged data page: tcpstates reads it with the format's scan, which
     * fails on the page in one line instead of printing wrong rows.
     */
    @Test
    void tcpstatesOfADamagedPageFailsInOneLine() throws Exception {
        Path trace = dir.resolve("damaged.parquet");
        long t = 1_795_000_000_000_000_000L;
        try (org.tcprec.format.TraceWriter w = new org.tcprec.format.TraceWriter(trace)) {
            for (int i = 0; i < 50_000; i++) {
                w.write(org.tcprec.format.EventRowBuilder.row(t + i * 1000L, "inet_sock_set_state")
                        .task(i % 300, i % 300, "comm" + i % 50)
                        .netns(1L)
                        .cgroupId(1L)
                        .skaddr(0xffff888000000000L + (i / 2 % 500) * 64L)
                        .family(2)
                        .local("10.0.0.1", 40000 + i % 500)
                        .remote("10.0.0.2", 443)
                        .transition(i % 2 == 0 ? "CLOSE" : "SYN_SENT", i % 2 == 0 ? "SYN_SENT" : "CLOSE")
                        .bytes(0L, 0L)
                        .build());
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(java.util.Map.of("hostname", "h"))));
        }
        TcprecRun intact = run("tcpstates", trace.toString());
        assertEquals(0, intact.exit(), intact.err());
        assertEquals(50_001, intact.out().lines().count());
        org.apache.parquet.format.FileMetaData footer = org.tcprec.format.TraceFooter.parquetFooter(trace);
        long page = footer.getRow_groups()
                .get(0)
                .getColumns()
                .get(org.tcprec.format.Column.COMM.ordinal())
                .getMeta_data()
                .getData_page_offset();
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(trace.toFile(), "rw")) {
            raf.seek(page);
            raf.write(new byte[64]);
        }
        assertFailure(run("tcpstates", trace.toString()), "is damaged");
    }

    @Test
    void recordRefusesFiltersThatNameNothing() throws Exception {
        String out = dir.resolve("a.parquet").toString();
        assertUsage(run("record", "-d", "0", "-o", out), "-d 0 records nothing");
        assertUsage(run("record", "-p", "0", "-o", out), "-p 0 is not a process id");
        assertUsage(run("record", "-p", "-1", "-o", out), "-p -1 is not a process id");
        assertUsage(run("record", "-p", "999999999", "-o", out), "-p 999999999 is not a process id");
        assertUsage(run("record", "--netns", "0", "-o", out), "--netns 0 names nothing");
        assertUsage(run("record", "-c", "0", "-o", out), "--cgroup 0 names nothing");
        assertUsage(
                run("record", "--netns", "/etc/passwd", "-o", out), "--netns /etc/passwd is not a network namespace");
        assertUsage(run("record", "--netns", "/proc/self/ns/mnt", "-o", out), "is not a network namespace");
        assertUsage(run("record", "-c", "/etc", "-o", out), "--cgroup /etc is not a cgroup v2 directory");
        // a process id in range that no process has: about the system, not the command line
        long free;
        try (var in = Files.newInputStream(Path.of("/proc/sys/kernel/pid_max"))) {
            free = Long.parseLong(new String(in.readNBytes(64)).trim()); // one read: procfs sizes are 0
        }
        while (Files.exists(Path.of("/proc/" + free))) {
            free--;
        }
        assertFailure(run("record", "-p", String.valueOf(free), "-o", out), "-p " + free + ": no such process");
        assertTrue(Files.list(dir).findAny().isEmpty(), "nothing written");
    }

    @Test
    void recoverWithoutAJournalSaysSo() {
        assertFailure(run("recover", dir.resolve("x.parquet").toString()), "no journal");
        assertFailure(run("recover", SAMPLE.toString()), "nothing to recover");
        TcprecRun directory = run("recover", dir.toString());
        assertFailure(directory, dir + " is a directory, not a trace file");
    }

    /** A trace the reader may not open (here: root without its capabilities, on another user's 0600 file). */
    @Test
    void aTraceTheReaderMayNotOpenSaysPermissionDenied() throws Exception {
        Path trace = Files.copy(SAMPLE, dir.resolve("private.parquet"));
        Files.setPosixFilePermissions(trace, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(trace, "unix:uid", 65534);
        for (String command : new String[] {"info", "tcplife"}) {
            Process p = new ProcessBuilder(
                            "setpriv",
                            "--bounding-set=-all",
                            "--inh-caps=-all",
                            ProcessHandle.current().info().command().orElse("java"),
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            command,
                            trace.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(1, p.waitFor(), output);
            assertEquals(
                    java.util.List.of(
                            "tcprec: " + trace + ": permission denied (it belongs to nobody, mode rw-------)"),
                    output.lines().toList());
        }
    }

    @Test
    void diffRejectsBadInputInOneLine() throws Exception {
        String clean = SAMPLE.toString();
        assertFailure(run("diff", clean, dir.resolve("missing.parquet").toString()), "no such file");
        assertUsage(run("diff", clean), "AFTER");
        assertUsage(
                run("diff", clean, clean, "--fail-on", "retransmits>>3"), "--fail-on: cannot parse 'retransmits>>3'");
        assertUsage(run("diff", clean, clean, "--fail-on", "latency>+5ms"), "--fail-on: unknown metric 'latency'");
        assertUsage(run("diff", clean, clean, "--fail-on", "cwnd_p50>+5ms"), "is not a time");
        assertUsage(run("diff", clean, clean, "--by", "cpu"), "--by takes rport, raddr or comm");

        // the same events under another minor version of the format: readable, and compared like any two
        // (a 1.0 sample as the base: the 1.x columns)
        Path older = SAMPLE.resolveSibling("older-formats").resolve("clean.parquet");
        Path newer = dir.resolve("newer.parquet");
        String metadata =
                JsonCodec.writeCompact(org.tcprec.format.TraceFooter.read(older).metadataJson());
        try (var c = DriverManager.getConnection("jdbc:duckdb:");
                var s = c.prepareStatement("COPY (SELECT * FROM read_parquet(?)) TO '" + newer
                        + "' (FORMAT parquet, KV_METADATA {'tcprec.format_version': '1.1', 'tcprec.metadata': ?})")) {
            s.setString(1, older.toString());
            s.setString(2, metadata);
            s.execute();
        }
        assertEquals(0, run("info", newer.toString()).exit(), "a 1.1 trace is readable here");
        TcprecRun across = run("diff", older.toString(), newer.toString());
        assertEquals(0, across.exit(), across.err());
        assertTrue(
                across.out()
                        .matches("(?s).*format version +"
                                + java.util.regex.Pattern.quote(org.tcprec.format.TraceFooter.read(older)
                                        .formatVersion())
                                + " +1\\.1.*"),
                across.out());
    }

    @Test
    void diffOfATraceWithItselfFindsNothingAndPassesItsGate() {
        TcprecRun r = run("diff", SAMPLE.toString(), SAMPLE.toString(), "--fail-on", "connect_max>+0%,lifespan_p50>0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("*")), r.out());
        assertTrue(r.out().contains("connect_max>+0%: ok"), r.out());
    }
}
