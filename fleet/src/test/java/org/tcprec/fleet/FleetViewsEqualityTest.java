package org.tcprec.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.bench.SyntheticFleet;

/**
 * Every row of every view on Spark equals the analyzer's own (TraceDatabase on DuckDB) over one
 * fleet directory laid out as host=NAME/: the committed sample traces (real kernels: this host's
 * and the kernel matrix's), the previous recordings kept in their formats (1.0 and 1.1), and three
 * synthetic hosts' traces (the current format, same socket addresses on every host).
 */
class FleetViewsEqualityTest {
    static final int SYNTHETIC_HOSTS = 3;
    static final int SYNTHETIC_EVENTS = 2000;

    @TempDir
    static Path fleet;

    private static SparkSession spark;
    private static TraceDatabase duck;

    /**
     * The samples under host=lab/, those kept in their older formats under host=lab-older/, and the
     * synthetic hosts beside them; every file, sorted.
     */
    static List<Path> writeFleet(Path dir) throws Exception {
        Path samples = Path.of("..", "sample-traces").toAbsolutePath().normalize();
        List<Path> copied = new ArrayList<>();
        copied.addAll(copyTraces(samples, Files.createDirectories(dir.resolve("host=lab"))));
        copied.addAll(
                copyTraces(samples.resolve("older-formats"), Files.createDirectories(dir.resolve("host=lab-older"))));
        List<Path> files = new ArrayList<>(SyntheticFleet.write(dir, SYNTHETIC_HOSTS, SYNTHETIC_EVENTS));
        files.addAll(copied);
        files.sort(null);
        assertTrue(files.size() >= SYNTHETIC_HOSTS + 4, "the committed samples and the synthetic hosts: " + files);
        return files;
    }

    private static List<Path> copyTraces(Path from, Path to) throws Exception {
        List<Path> copies = new ArrayList<>();
        try (Stream<Path> listing = Files.list(from)) {
            for (Path p : listing.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                copies.add(Files.copy(p, to.resolve(p.getFileName())));
            }
        }
        return copies;
    }

    @BeforeAll
    static void open() throws Exception {
        List<Path> files = writeFleet(fleet);
        duck = TraceDatabase.open(files);
        spark = LocalSpark.start();
        List<FleetTrace> traces = FleetViews.register(spark, List.of(fleet.toString()));
        assertEquals(
                files.stream().map(Path::toString).toList(),
                traces.stream().map(FleetTrace::filename).toList());
        // every view reads raw_events: scanned once for the class, not once a view
        spark.catalog().cacheTable("raw_events");
    }

    @AfterAll
    static void close() {
        if (duck != null) {
            duck.close();
        }
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void eventsCarryEachTracesHost() {
        List<String> hosts = spark
                .sql("SELECT DISTINCT host FROM events WHERE filename LIKE '%/host=host-%' ORDER BY host")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
        assertEquals(List.of("host-001", "host-002", "host-003"), hosts);
        assertEquals(
                SYNTHETIC_HOSTS * (long) SYNTHETIC_EVENTS,
                spark.sql("SELECT count(*) FROM events WHERE host LIKE 'host-%'")
                        .first()
                        .getLong(0));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "traces",
                "events",
                "state_changes",
                "connections",
                "abortive_closes",
                "connection_events",
                "retransmits",
                "resets",
                "probes"
            })
    void everyRowEqualsDuckDbs(String view) throws Exception {
        Connection c = duck.connection();
        List<String> columns = ViewRows.duckColumns(c, view);
        List<String> expected = ViewRows.duck(c, "SELECT * FROM " + view, columns);
        List<String> actual = ViewRows.spark(spark, "SELECT * FROM " + view, columns);
        if (!view.equals("abortive_closes")) {
            assertFalse(expected.isEmpty(), view + " has rows in the samples");
        }
        assertRowsEqual(view, expected, actual);
    }

    static void assertRowsEqual(String what, List<String> expected, List<String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        assertTrue(
                missing.isEmpty() && extra.isEmpty(),
                what + ": " + expected.size() + " rows from DuckDB, "
                        + actual.size() + " from Spark; only DuckDB's (first 5): "
                        + missing.stream().limit(5).toList()
                        + "; only Spark's (first 5): " + extra.stream().limit(5).toList());
    }
}
