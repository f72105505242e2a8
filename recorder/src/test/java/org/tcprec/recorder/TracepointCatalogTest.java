package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.recorder.host.TracepointCatalog;
import org.tcprec.recorder.host.TracepointFormat;
import org.tcprec.recorder.wire.ColumnSources;
import org.tcprec.recorder.wire.EventType;

/**
 * The catalog `tcprec list` prints, built from the formats stored in the committed traces of each
 * kernel, held to those traces' rows: a column it calls null on that kernel is null on every row
 * of the event, and a column read from a field the kernel has only where the programs check for it
 * is set on every row.
 */
class TracepointCatalogTest {
    static final Path SAMPLES = Path.of("..", "sample-traces");

    static Stream<Path> kernelTraces() throws Exception {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<Path> traces =
                    new ArrayList<>(files.filter(p -> p.getFileName().toString().matches("kernel-[0-9.]+\\.parquet"))
                            .sorted()
                            .toList());
            assertTrue(traces.size() >= 2, traces.toString());
            return traces.stream();
        }
    }

    static TracepointCatalog catalogOf(Path trace) throws Exception {
        TraceMetadata meta = TraceFooter.read(trace).metadata();
        return TracepointCatalog.of(
                meta.host().uname().release(), meta.tracepoints().formats(), List.of());
    }

    @ParameterizedTest
    @MethodSource("kernelTraces")
    void whatTheCatalogSaysOfAKernelIsWhatItsTraceHolds(Path trace) throws Exception {
        TracepointCatalog catalog = catalogOf(trace);
        assertEquals(EventType.values().length, catalog.tracepoints().size());
        // per event, its rows and the rows with each column set: one query
        java.util.Set<String> columns = new java.util.TreeSet<>();
        for (EventType t : EventType.values()) {
            ColumnSources.of(t).forEach(c -> columns.add(c.column()));
        }
        // what 2.0 leaves to readers (protocol) or names anew (time: time_ns) is no column to count
        List<String> stored = TraceFooter.read(trace).columns();
        java.util.Set<String> derived = new java.util.TreeSet<>(columns);
        derived.removeAll(stored);
        List<String> expected = new ArrayList<>(org.tcprec.format.TraceSchema.DERIVED_BY_READERS);
        expected.add(org.tcprec.format.TraceSchema.TIME_1X);
        assertTrue(expected.containsAll(derived), "not stored: " + derived);
        columns.removeAll(derived);
        StringBuilder sql = new StringBuilder("SELECT event, count(*) AS \"rows\"");
        columns.forEach(c ->
                sql.append(", count(").append(c).append(") AS \"").append(c).append('"'));
        Map<String, Map<String, Object>> counts = new java.util.HashMap<>();
        for (Map<String, Object> r : TraceRows.query(trace, sql + " FROM {t} GROUP BY event")) {
            counts.put((String) r.get("event"), r);
        }
        for (TracepointCatalog.Tracepoint tp : catalog.tracepoints()) {
            assertTrue(tp.recorded(), tp.name());
            EventType type = EventType.byName(tp.name()).orElseThrow();
            Map<String, Object> of = counts.getOrDefault(type.tracepoint(), Map.of());
            long rows = of.isEmpty() ? 0 : ((Number) of.get("rows")).longValue();
            for (ColumnSources.Source source : ColumnSources.of(type)) {
                if (derived.contains(source.column())) {
                    continue;
                }
                TracepointCatalog.Column column = tp.columns().stream()
                        .filter(c -> c.column().equals(source.column()))
                        .findFirst()
                        .orElseThrow();
                String what = trace.getFileName() + " " + tp.name() + " " + column;
                long set = of.isEmpty() ? 0 : ((Number) of.get(column.column())).longValue();
                if (column.nullHere()) {
                    assertEquals(0, set, what);
                } else if (source.optional() && !column.fields().isEmpty()) {
                    assertEquals(rows, set, what);
                }
            }
        }
        // the catalog says of each lacking field what the rows show
        for (TracepointCatalog.Lack lack : catalog.lacks()) {
            assertFalse(lack.effect().contains("do not load"), lack.toString());
        }
    }

    @Test
    void theFieldsOfAFormatFileAreParsedWithTheirTypes() {
        String format = "name: tcp_probe\nID: 1\nformat:\n"
                + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
                + "\tfield:__u8 saddr[sizeof(struct sockaddr_in6)];\toffset:8;\tsize:28;\tsigned:0;\n"
                + "\tfield:const void * skaddr;\toffset:72;\tsize:8;\tsigned:0;\n"
                + "\tfield:int state;\toffset:80;\tsize:4;\tsigned:1;\n\nprint fmt: \"x\"\n";
        TracepointFormat parsed = TracepointFormat.parse("tcp:tcp_probe", format);
        assertEquals(
                List.of(
                        new TracepointFormat.Field("saddr", "__u8[sizeof(struct sockaddr_in6)]", 8, 28, false),
                        new TracepointFormat.Field("skaddr", "const void *", 72, 8, false),
                        new TracepointFormat.Field("state", "int", 80, 4, true)),
                parsed.fields());
    }
}
