package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.metadata.JsonCodec;

/**
 * Seeded damage over every sample trace and every reading subcommand: bit flips and truncations of
 * checksummed copies, and crafted valid files (metadata, column types, all-null columns, values out
 * of range). Each run ends in the undamaged copy's output (exit 0) or one line with exit 1: never a
 * stack trace, an internal error or a hang. A failure names its seed;
 * {@code -Dtcprec.fuzz.seed=N} reruns that one run, {@code -Dtcprec.fuzz.runs=N} sets how many.
 */
class TraceFuzzTest {
    private static final int RUNS = Integer.getInteger("tcprec.fuzz.runs", 300);
    private static final long ONE_SEED = Long.getLong("tcprec.fuzz.seed", -1);
    private static final long TIMEOUT_S = 120;

    @TempDir
    static Path dir;

    private static final List<Path> checksummed = new ArrayList<>();
    private static final Map<String, TcprecRun> intact = new HashMap<>();
    private static ExecutorService runner;

    /** Subcommand lines, with TRACE for the trace and OUT for an output file. */
    private static final String[][] SUBCOMMANDS = {
        {"info", "TRACE"},
        {"info", "--json", "TRACE"},
        {"print", "TRACE"},
        {"tcplife", "TRACE"},
        {"tcplife", "--partial", "-x", "TRACE"},
        {"tcpstates", "-T", "TRACE"},
        {"tcpretrans", "-c", "TRACE"},
        {"tcpconnect", "TRACE"},
        {"tcpaccept", "TRACE"},
        {"tcpconnlat", "TRACE"},
        {"tcpreset", "TRACE"},
        {"tcprtt", "TRACE"},
        {"sql", "--csv", "TRACE", "SELECT count(*), sum(lport) FROM events"},
        {"diff", "--json", "TRACE", "TRACE"},
        {"scrub", "TRACE", "-o", "OUT.parquet", "--force", "--key-file", "KEY"},
        {"report", "TRACE", "-o", "OUT.html", "--force"},
    };

    @BeforeAll
    static void copies() throws Exception {
        Path key = dir.resolve("key");
        Files.write(key, "0123456789abcdef0123456789abcdef".getBytes());
        try (var files = Files.list(AnalyzerCommandsTest.SAMPLES)) {
            for (Path sample : files.filter(p -> p.toString().endsWith(".parquet"))
                    .sorted()
                    .toList()) {
                Path copy = dir.resolve("c-" + sample.getFileName());
                TcprecRun r = TcprecRun.of(
                        "scrub", sample.toString(), "-o", copy.toString(), "--keep-comm", "--key-file", key.toString());
                assertEquals(0, r.exit(), r.err());
                checksummed.add(copy);
            }
        }
        runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-run");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        runner.shutdownNow();
    }

    @Test
    void damagedAndCraftedTracesGiveTheRightAnswerOrOneLine() throws Exception {
        long first = ONE_SEED >= 0 ? ONE_SEED : 0;
        int runs = ONE_SEED >= 0 ? 1 : RUNS;
        long start = System.nanoTime();
        for (long seed = first; seed < first + runs; seed++) {
            fuzz(seed);
        }
        System.out.printf("fuzz: %d runs in %.1f s%n", runs, (System.nanoTime() - start) / 1e9);
    }

    private void fuzz(long seed) throws Exception {
        Random random = new Random(seed);
        Path source = checksummed.get(random.nextInt(checksummed.size()));
        String[] subcommand = SUBCOMMANDS[random.nextInt(SUBCOMMANDS.length)];
        Path trace = dir.resolve("fuzz-" + seed + ".parquet");
        int kind = random.nextInt(4);
        String what;
        boolean comparable = false;
        byte[] bytes = Files.readAllBytes(source);
        switch (kind) {
            case 0 -> {
                int at = random.nextInt(bytes.length);
                int bit = random.nextInt(8);
                bytes[at] ^= (byte) (1 << bit);
                Files.write(trace, bytes);
                what = "bit " + bit + " of byte " + at + " flipped";
                comparable = true;
            }
            case 1 -> {
                int length = random.nextInt(bytes.length);
                Files.write(trace, java.util.Arrays.copyOf(bytes, length));
                what = "truncated to " + length + " bytes";
                comparable = true;
            }
            case 2 -> {
                String metadata = CRAFTED_METADATA[random.nextInt(CRAFTED_METADATA.length)];
                CraftedTraces.withMetadata(source, trace, metadata);
                what = "metadata " + metadata.substring(0, Math.min(60, metadata.length()));
            }
            default -> {
                String replace = CRAFTED_COLUMNS[random.nextInt(CRAFTED_COLUMNS.length)];
                rewriteColumns(source, trace, replace);
                what = "columns " + replace;
            }
        }
        String[] args = args(subcommand, trace);
        String label = "seed " + seed + " (" + what + " in " + source.getFileName() + "): " + String.join(" ", args)
                + "\n  rerun: mvn -pl cli verify -Dtest=TraceFuzzTest -Dtcprec.fuzz.seed=" + seed;
        TcprecRun r = runWithTimeout(args, label);
        CraftedMetadataTest.assertAnswerOrOneLine(r, label);
        if (r.exit() == 0 && comparable) {
            TcprecRun expected = intact.computeIfAbsent(
                    source + " " + String.join(" ", subcommand), k -> TcprecRun.of(args(subcommand, source)));
            assertEquals(expected.out().replace(source.toString(), trace.toString()), r.out(), label);
        }
        Files.deleteIfExists(trace);
    }

    private static TcprecRun runWithTimeout(String[] args, String label) throws Exception {
        Future<TcprecRun> run = runner.submit(() -> TcprecRun.of(args));
        try {
            return run.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            fail("no answer within " + TIMEOUT_S + " s: " + label);
            return null;
        }
    }

    private static String[] args(String[] subcommand, Path trace) {
        List<String> a = new ArrayList<>();
        boolean secondTrace = false;
        for (String s : subcommand) {
            if (s.equals("TRACE")) {
                // diff compares the trace with an intact sample
                a.add(secondTrace ? AnalyzerCommandsTest.CLEAN : trace.toString());
                secondTrace = true;
            } else if (s.startsWith("OUT")) {
                a.add(dir.resolve("out" + s.substring(3)).toString());
            } else if (s.equals("KEY")) {
                a.add(dir.resolve("key").toString());
            } else {
                a.add(s);
            }
        }
        return a.toArray(String[]::new);
    }

    /** A copy of the trace with columns replaced by DuckDB (a valid Parquet file, metadata kept). */
    private static void rewriteColumns(Path source, Path out, String replace) throws Exception {
        var footer = org.tcprec.format.TraceFooter.read(source);
        String metadata = JsonCodec.writeCompact(footer.metadataJson()).replace("'", "''");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * REPLACE (" + replace + ") FROM read_parquet('" + source + "')) TO '" + out
                    + "' (FORMAT parquet, KV_METADATA {'tcprec.format_version': '" + footer.formatVersion()
                    + "', 'tcprec.metadata': '" + metadata + "'})");
        }
    }

    private static final String[] CRAFTED_METADATA = {
        "{\"host\":" + "[".repeat(8000) + "]".repeat(8000) + "}",
        "{\"host\":{\"utc_offset_seconds\":1e400}}",
        "{\"host\":{\"utc_offset_seconds\":1000000000}}",
        "{\"host\":{\"utc_offset_seconds\":-1e9,\"timezone\":\"Nowhere/Else\"}}",
        "{\"rows\":1,\"rows\":2}",
        "{}",
        "[]",
        "\"text\"",
        "{\"host\":null,\"recording\":null,\"lost_events\":null,\"tracepoints\":null,\"clocks\":null,\"events\":null}",
        "{\"host\":\"x\",\"recording\":[1],\"lost_events\":{\"total\":\"many\"},\"tracepoints\":{\"missing\":7},"
                + "\"clocks\":{\"start\":{\"realtime_ns\":\"x\"}},\"events\":[],\"sampling\":{\"tcp_probe\":{\"mode\":3}},"
                + "\"sysctls\":1,\"filters\":{\"pid\":[]},\"clock\":{\"realtime_minus_boottime_ns\":0.5}}",
        "{\"lost_events\":{\"total\":-5,\"by_type\":{\"x\":1e300}},\"lifetimes\":{\"broken\":-1}}",
        "{\"clocks\":{\"start\":{\"realtime_ns\":9223372036854775807,\"boottime_ns\":-9223372036854775808}}}",
        "{\"recording\":{\"duration_ns\":-1,\"start\":\"not a time\"},\"sampling\":{\"tcp_probe\":{\"mode\":\"per_socket_interval\",\"interval_ns\":-7}}}",
        "{\"tracepoints\":{\"missing\":[\"tcp:it's\",\"a,b\",\"\\u001b[2J\"],\"formats\":{\"tcp:x\":5}}}",
        "{\"host\":{\"hostname\":\"" + "h".repeat(2 << 20) + "\"}}",
        "not json",
    };

    private static final String[] CRAFTED_COLUMNS = {
        "CAST(rport AS VARCHAR) AS rport",
        "NULL::INTEGER AS rport",
        "NULL::VARCHAR AS newstate",
        "NULL::VARCHAR AS event",
        "NULL::BIGINT AS time_ns",
        "NULL::INTEGER AS life",
        "life + 2000000000 AS life",
        "-life AS life",
        "CAST(time_ns AS VARCHAR) AS time_ns",
        "make_timestamp_ns(time_ns) AS time_ns",
        "CAST(event AS BLOB) AS event",
        "CAST(skaddr AS DOUBLE) AS skaddr",
        "99 AS family",
        "'BOGUS' AS newstate",
        "lport + 1000000 AS lport",
        "-bytes_acked AS bytes_acked",
        "-9223286400000000000 AS time_ns",
        "'\u001b]0;x\u0007' AS comm",
    };
}
