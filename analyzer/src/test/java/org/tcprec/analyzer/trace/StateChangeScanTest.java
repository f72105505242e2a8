package org.tcprec.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcprec.analyzer.replay.CompleteConnectionsTest;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;

/**
 * The state_changes view read by the format's scan gives the rows DuckDB gives for the view,
 * column for column and in order, under every filter tcpstates has, on generated timelines
 * written by the trace writer. A 1.0 trace (every committed sample is one), and a column
 * outside the view's projection, are left to DuckDB. ReportDiffTest runs tcpstates on the
 * samples rewritten as 1.1 files, through this scan, against the expected outputs.
 */
class StateChangeScanTest {
    @TempDir
    Path dir;

    private static final List<String> COLUMNS = List.of(
            "ts_ns",
            "skaddr",
            "tgid",
            "comm",
            "family",
            "laddr",
            "lport",
            "raddr",
            "rport",
            "oldstate",
            "newstate",
            "ns_in_oldstate",
            "netns",
            "cgroup_id");
    private static final List<String> TEXT = List.of("comm", "laddr", "raddr", "oldstate", "newstate");
    /** family, local ports, remote ports */
    private static final Object[][] FILTERS = {
        {0, List.of(), List.of()}, {2, List.of(), List.of()}, {10, List.of(), List.of()},
        {0, List.of(80, 8080), List.of()}, {0, List.of(), List.of(443)}, {2, List.of(80), List.of(443, 5432)},
    };

    static Stream<Path> sampleTraces() throws Exception {
        return CompleteConnectionsTest.sampleTraces();
    }

    @ParameterizedTest
    @MethodSource("sampleTraces")
    void sampleTracesGiveTheViewsRows(Path trace) throws Exception {
        TraceFooter footer = TraceFooter.read(trace);
        StateChangeScan scan = StateChangeScan.of(footer, COLUMNS);
        if (!footer.columns().contains("life")) {
            assertNull(scan, "a 1.0 trace's lifetimes are derived in SQL");
            return;
        }
        assertNotNull(scan, trace + " is read by the scan");
        assertTrue(assertSameAsView(trace, scan) > 0, trace + " has state changes");
    }

    @Test
    void generatedTimelinesGiveTheViewsRows() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Path trace = dir.resolve("generated-" + seed + ".parquet");
            CompleteConnectionsTest.write(trace, new CompleteConnectionsTest.Timeline(new Random(seed)).rows(4000));
            StateChangeScan scan = StateChangeScan.of(TraceFooter.read(trace), COLUMNS);
            assertNotNull(scan);
            assertTrue(assertSameAsView(trace, scan) > 1000, "seed " + seed);
        }
    }

    @Test
    void columnsOutsideTheProjectionAreLeftToDuckDb() throws Exception {
        Path trace = dir.resolve("projection.parquet");
        CompleteConnectionsTest.write(trace, new CompleteConnectionsTest.Timeline(new Random(1)).rows(100));
        TraceFooter footer = TraceFooter.read(trace);
        assertNull(StateChangeScan.of(footer, List.of("skaddr", "starts_life")));
        assertNull(StateChangeScan.of(footer, List.of("skaddr", "skaddr")));
        assertNotNull(StateChangeScan.of(footer, List.of("skaddr")));
    }

    /** Compares under every filter; returns the rows without a filter. */
    private static int assertSameAsView(Path trace, StateChangeScan scan) throws Exception {
        int all = -1;
        try (TraceDatabase db = TraceDatabase.open(List.of(trace))) {
            for (Object[] f : FILTERS) {
                @SuppressWarnings("unchecked")
                List<Integer> local = (List<Integer>) f[1];
                @SuppressWarnings("unchecked")
                List<Integer> remote = (List<Integer>) f[2];
                List<List<Object>> expected = view(db, (Integer) f[0], local, remote);
                List<List<Object>> scanned = new ArrayList<>();
                scan.rows((Integer) f[0], local, remote, batch -> collect(batch, scanned));
                assertEquals(expected, scanned, trace + " with " + Arrays.toString(f));
                if (all < 0) {
                    all = scanned.size();
                }
            }
        }
        return all;
    }

    private static List<List<Object>> view(TraceDatabase db, int family, List<Integer> local, List<Integer> remote)
            throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        String l = ports(local);
        String r = ports(remote);
        try (PreparedStatement s = db.connection()
                .prepareStatement("SELECT " + String.join(", ", COLUMNS) + " FROM state_changes WHERE "
                        + CompleteConnectionsTest.FILTER + " ORDER BY time, seq")) {
            TraceDatabase.bind(s, new Object[] {family, family, l, l, r, r});
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= COLUMNS.size(); c++) {
                        Object v = rs.getObject(c);
                        row.add(
                                v == null
                                        ? null
                                        : TEXT.contains(COLUMNS.get(c - 1))
                                                ? v.toString()
                                                : new java.math.BigInteger(v.toString()).longValue());
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static void collect(ColumnBatch batch, List<List<Object>> into) {
        for (int r = 0; r < batch.rows(); r++) {
            List<Object> row = new ArrayList<>();
            for (int c = 0; c < COLUMNS.size(); c++) {
                ColumnVector v = batch.column(c);
                row.add(v.isNull(r) ? null : TEXT.contains(COLUMNS.get(c)) ? v.getString(r) : (Object) v.getLong(r));
            }
            into.add(row);
        }
    }

    private static String ports(List<Integer> ports) {
        StringBuilder s = new StringBuilder();
        for (Integer p : ports) {
            s.append(s.length() > 0 ? "," : "").append(p);
        }
        return s.toString();
    }
}
