package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * Metadata crafted to break its reader (issue cases: deep nesting, huge numbers and strings,
 * duplicate and missing keys, wrong types, many keys) gives every subcommand either an answer or
 * one line and exit 1: never a stack trace or an internal error.
 */
class CraftedMetadataTest {
    @TempDir
    Path dir;

    static final String[][] SUBCOMMANDS = {
        {"info"},
        {"info", "--json"},
        {"print"},
        {"tcplife"},
        {"tcplife", "-T"},
        {"tcpstates", "-T"},
        {"tcpretrans"},
        {"tcpreset"},
        {"tcprtt"},
        {"sql", "SELECT * FROM traces"},
        {"sql", "SELECT * FROM meta"},
        {"diff+"},
        {"report"},
        {"scrub"}
    };

    static List<String> args(String[] subcommand, Path trace, Path dir) {
        List<String> a = new ArrayList<>();
        switch (subcommand[0]) {
            case "diff+" -> a.addAll(List.of("diff", AnalyzerCommandsTest.CLEAN, trace.toString()));
            case "report" ->
                a.addAll(List.of(
                        "report", trace.toString(), "-o", dir.resolve("r.html").toString(), "--force"));
            case "scrub" ->
                a.addAll(List.of(
                        "scrub",
                        trace.toString(),
                        "-o",
                        dir.resolve("s.parquet").toString(),
                        "--force"));
            case "sql" -> a.addAll(List.of("sql", "--csv", trace.toString(), subcommand[1]));
            default -> {
                a.addAll(List.of(subcommand));
                a.add(trace.toString());
            }
        }
        return a;
    }

    /** An answer (exit 0) or one line of error with exit 1: nothing else. */
    static void assertAnswerOrOneLine(TcprecRun r, String what) {
        assertFalse(r.err().contains("internal error"), what + ": " + r.err());
        assertFalse(r.err().contains("\tat "), what + ": " + r.err());
        if (r.exit() != 0) {
            assertEquals(1, r.exit(), what + ": " + r.err());
            assertEquals(1, r.errLines().size(), what + ": " + r.err());
        }
    }

    private void check(String name, String metadata, boolean mustFail) throws Exception {
        Path trace = CraftedTraces.withMetadata(
                Path.of(AnalyzerCommandsTest.CLEAN), dir.resolve(name + ".parquet"), metadata);
        for (String[] subcommand : SUBCOMMANDS) {
            List<String> a = args(subcommand, trace, dir);
            TcprecRun r = run(a.toArray(String[]::new));
            String what = name + ": " + String.join(" ", a);
            assertAnswerOrOneLine(r, what);
            if (mustFail) {
                assertEquals(1, r.exit(), what + ": " + r.err());
            }
        }
    }

    private static String original() throws Exception {
        return JsonCodec.writeCompact(
                TraceFooter.read(Path.of(AnalyzerCommandsTest.CLEAN)).metadataJson());
    }

    @Test
    void deepNestingIsAOneLineError() throws Exception {
        check("nested", "{\"host\":" + "[".repeat(8000) + "]".repeat(8000) + "}", true);
    }

    @Test
    void numbersPastADoubleAndOffsetsPastADayAreNotInternalErrors() throws Exception {
        check("e400", original().replaceFirst("\"utc_offset_seconds\":-?\\d+", "\"utc_offset_seconds\":1e400"), true);
        check(
                "offset",
                original().replaceFirst("\"utc_offset_seconds\":-?\\d+", "\"utc_offset_seconds\":1000000000"),
                false);
        check(
                "offsetdouble",
                original().replaceFirst("\"utc_offset_seconds\":-?\\d+", "\"utc_offset_seconds\":1e9"),
                false);
    }

    @Test
    void duplicateKeysAreRefused() throws Exception {
        check("dup", "{\"rows\":1," + original().substring(1), true);
    }

    @Test
    void missingNullAndWronglyTypedKeysAreAnsweredOrRefused() throws Exception {
        check("empty", "{}", false);
        check(
                "nulls",
                "{\"host\":null,\"recording\":null,\"lost_events\":null,\"tracepoints\":null,\"clocks\":null,"
                        + "\"events\":null,\"sampling\":null,\"sysctls\":null,\"filters\":null}",
                false);
        check(
                "types",
                "{\"host\":\"x\",\"recording\":[1],\"lost_events\":{\"total\":\"many\"},\"tracepoints\":{\"missing\":7},"
                        + "\"clocks\":{\"start\":{\"realtime_ns\":\"x\"}},\"events\":[],\"sampling\":{\"tcp_probe\":{\"mode\":3}},"
                        + "\"sysctls\":1,\"filters\":{\"pid\":[]},\"clock\":{\"realtime_minus_boottime_ns\":0.5}}",
                false);
    }

    @Test
    void hugeStringsAndManyKeysAreRefusedQuickly() throws Exception {
        check("hostname", "{\"host\":{\"hostname\":\"" + "h".repeat(20 << 20) + "\"}}", true);
        StringBuilder events = new StringBuilder("{\"events\":{");
        for (int i = 0; i < 100_000; i++) {
            events.append(i == 0 ? "" : ",").append("\"e").append(i).append("\":1");
        }
        check("events", events.append("}}").toString(), true);
        assertTrue(Files.exists(dir.resolve("events.parquet")));
    }
}
