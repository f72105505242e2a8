package org.tcprec.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.cli.bench.SyntheticFleet;

/** Finding a fleet's traces (directories, globs) and reading their footers, without Spark. */
class TraceFootersTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    @Test
    void findsEveryHostsTraceInALayoutOrByGlob() throws Exception {
        List<Path> written = SyntheticFleet.write(dir, 3, 200);
        // what a recording in progress and a Spark job leave beside traces is not a trace
        Files.writeString(dir.resolve("host=host-001/.host-001.parquet.tcprec-journal"), "journal");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        List<String> expected = written.stream().map(Path::toString).toList();
        assertEquals(expected, names(TraceFooters.read(List.of(dir.toString()), CONF)));
        assertEquals(expected, names(TraceFooters.read(List.of(dir + "/host=*/*.parquet"), CONF)));
        assertEquals(expected.subList(1, 2), names(TraceFooters.read(List.of(dir + "/host=host-002"), CONF)));
    }

    @Test
    void readsEachHostsIdentityFromItsFooter() throws Exception {
        SyntheticFleet.write(dir, 2, 100);
        List<FleetTrace> traces = TraceFooters.read(List.of(dir.toString()), CONF);
        FleetTrace second = traces.get(1);
        assertEquals("host-002", second.hostname());
        assertEquals(
                java.util
                        .UUID
                        .nameUUIDFromBytes("host-002".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString(),
                second.bootId());
        assertEquals(100, second.rows());
        assertTrue(second.columns().contains("life"), second.columns().toString());
        assertEquals(second.startRealtimeNs() + second.durationNs(), second.endNs());
        assertTrue(!traces.get(0).kernel().equals(second.kernel()), "hosts run different kernels");
    }

    @Test
    void saysWhatIsWrongWithTheArguments() throws Exception {
        FleetException none =
                assertThrows(FleetException.class, () -> TraceFooters.read(List.of(dir + "/host=*/*.parquet"), CONF));
        assertEquals("no trace file matches " + dir + "/host=*/*.parquet", none.getMessage());

        Path text = Files.writeString(dir.resolve("notes.parquet"), "not parquet");
        FleetException unreadable =
                assertThrows(FleetException.class, () -> TraceFooters.read(List.of(text.toString()), CONF));
        assertTrue(
                unreadable.getMessage().startsWith(text + " is not a tcprec trace: not a readable Parquet file"),
                unreadable.getMessage());

        Path plain = dir.resolve("plain.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 1 AS x) TO '" + plain + "' (FORMAT parquet)");
        }
        FleetException foreign =
                assertThrows(FleetException.class, () -> TraceFooters.read(List.of(plain.toString()), CONF));
        assertEquals(
                plain + " is a Parquet file but not a tcprec trace (no tcprec.format_version in its footer)",
                foreign.getMessage());
    }

    private static List<String> names(List<FleetTrace> traces) {
        return traces.stream().map(FleetTrace::filename).toList();
    }
}
