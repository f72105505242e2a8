package org.tcprec.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.analyzer.diff.DiffCommand;
import org.tcprec.analyzer.report.TcpLifeCommand;
import org.tcprec.analyzer.report.TcpStatesCommand;
import picocli.CommandLine;

/**
 * tcplife's and tcpstates' rows and diff's metrics from Spark (FleetReports) equal what the
 * analyzer's own commands print with --json over the same fleet (FleetViewsEqualityTest's layout).
 */
class FleetReportsEqualityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path fleet;

    private static SparkSession spark;
    private static List<Path> files;

    @BeforeAll
    static void open() throws Exception {
        files = FleetViewsEqualityTest.writeFleet(fleet);
        spark = LocalSpark.start();
        FleetViews.register(spark, List.of(fleet.toString()));
        spark.catalog().cacheTable("raw_events");
    }

    @AfterAll
    static void close() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** The command's stdout, run as `tcprec` runs it; it must succeed. */
    static String run(Object command, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new CommandLine(command)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args.toArray(new String[0]));
        assertEquals(0, status, "exit status of " + args + ": " + err);
        return out.toString();
    }

    static List<JsonNode> jsonLines(String text) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    /**
     * Every row of the command's --json output has its equal among Spark's rows of the report:
     * each of its columns but the timestamps (their nanoseconds are compared as *_ns and ts_ns).
     */
    private static void assertReportEqual(String report, Object command, String... skipped) throws Exception {
        List<String> args = new ArrayList<>(List.of("--json"));
        files.forEach(f -> args.add(f.toString()));
        List<JsonNode> expected = jsonLines(run(command, args));
        assertFalse(expected.isEmpty(), report + " printed rows");
        List<String> columns = new ArrayList<>();
        expected.get(0).fieldNames().forEachRemaining(columns::add);
        columns.removeAll(List.of(skipped));
        List<String> duck = new ArrayList<>();
        for (JsonNode row : expected) {
            List<String> values = new ArrayList<>();
            for (String c : columns) {
                JsonNode v = row.get(c);
                values.add(
                        v == null || v.isNull()
                                ? "NULL"
                                : v.isNumber()
                                        ? ViewRows.text(v.decimalValue())
                                        : v.isBoolean() ? String.valueOf(v.booleanValue()) : v.asText());
            }
            duck.add(String.join(" | ", values));
        }
        duck.sort(null);
        FleetReports.run(spark, report).createOrReplaceTempView("report_rows");
        List<String> sparkRows = ViewRows.spark(spark, "SELECT * FROM report_rows", columns);
        FleetViewsEqualityTest.assertRowsEqual(report, duck, sparkRows);
    }

    @Test
    void tcplifeRowsEqualTheAnalyzers() throws Exception {
        assertReportEqual("tcplife", new TcpLifeCommand(), "event_time");
    }

    @Test
    void tcplifeRowsComeInItsOrder() {
        List<Row> rows = FleetReports.run(spark, "tcplife")
                .select("event_ns", "first_ns", "filename")
                .collectAsList();
        for (int i = 1; i < rows.size(); i++) {
            Row a = rows.get(i - 1);
            Row b = rows.get(i);
            int byTime = Long.compare(a.getLong(0), b.getLong(0));
            assertTrue(
                    byTime < 0 || byTime == 0 && Long.compare(a.getLong(1), b.getLong(1)) <= 0,
                    "row " + i + " after " + a + ": " + b);
        }
    }

    @Test
    void tcpstatesRowsEqualTheAnalyzers() throws Exception {
        assertReportEqual("tcpstates", new TcpStatesCommand(), "time");
    }

    /** diff's JSON gives each metric of BEFORE and AFTER: both traces' values, from Spark's rows of each. */
    @Test
    void metricsEqualDiffs() throws Exception {
        Map<String, Map<String, Row>> spark = new HashMap<>();
        for (Row r : FleetReports.run(spark(), "metrics").collectAsList()) {
            spark.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r);
        }
        int compared = 0;
        for (List<String> pair : pairs()) {
            String before = pair.get(0);
            String after = pair.get(1);
            JsonNode doc = JSON.readTree(run(new DiffCommand(), List.of("--json", before, after)));
            for (Iterator<JsonNode> it = doc.get("metrics").elements(); it.hasNext(); ) {
                JsonNode m = it.next();
                compared += assertMetric(spark.get(before), m, "before", before);
                compared += assertMetric(spark.get(after), m, "after", after);
            }
        }
        assertTrue(compared > 100, compared + " metrics compared");
    }

    /**
     * Every trace in a diff: the samples two by two, those in older formats two by two, the
     * synthetic hosts two by two (the last of an odd count with the one before).
     */
    private static List<List<String>> pairs() {
        List<List<String>> pairs = new ArrayList<>();
        for (String dir : new String[] {"host=lab", "host=lab-older", null}) {
            List<String> group = files.stream()
                    .filter(f -> {
                        String parent = f.getParent().getFileName().toString();
                        return dir == null ? !parent.startsWith("host=lab") : parent.equals(dir);
                    })
                    .map(Path::toString)
                    .toList();
            for (int i = 0; i + 1 < group.size(); i += 2) {
                pairs.add(List.of(group.get(i), group.get(i + 1)));
            }
            if (group.size() % 2 == 1 && group.size() > 1) {
                pairs.add(List.of(group.get(group.size() - 2), group.get(group.size() - 1)));
            }
        }
        return pairs;
    }

    private static SparkSession spark() {
        return spark;
    }

    private static int assertMetric(Map<String, Row> rows, JsonNode metric, String side, String file) {
        String name = metric.get("name").asText();
        long n = metric.get("n_" + side).asLong();
        Row row = rows == null ? null : rows.get(name);
        if (n == 0 && (row == null || row.isNullAt(2))) {
            return 0; // nothing measured: diff says 0 of nothing, Spark has no row
        }
        assertNotNull(row, file + ": " + name + " measured by diff (n = " + n + ") but not by Spark");
        assertEquals(n, row.getLong(3), file + ": " + name + " n");
        double expected =
                metric.get(side).isNull() ? Double.NaN : metric.get(side).asDouble();
        double actual = row.getDouble(2);
        assertEquals(expected, actual, Math.abs(expected) * 1e-9 + 1e-12, file + ": " + name);
        return 1;
    }
}
