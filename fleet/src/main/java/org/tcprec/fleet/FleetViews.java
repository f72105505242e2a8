package org.tcprec.fleet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Registers in a Spark session what the analyzer's TraceDatabase opens in DuckDB: the table
 * {@code traces} (one row per trace, from its footer), the views {@code raw_events} and
 * {@code events} (every row of every trace, with {@code filename} and {@code seq}, and in
 * {@code events} the trace's {@code host}, {@code kernel} and {@code boot_id}) and the views of
 * views.sql, so that the same SQL runs on one laptop's DuckDB and on a cluster.
 *
 * <p>Traces of every format version mix: each set of files with the same columns is scanned
 * once, the event time becomes {@code time_ns} (BIGINT) whatever the version stored, and the
 * groups are united by column name. {@code time} is that instant as a Spark TIMESTAMP, which holds
 * microseconds; {@code ts_ns} and {@code time_ns} keep the nanoseconds.
 */
public final class FleetViews {
    /**
     * Spark refuses Parquet's INT64 TIMESTAMP(NANOS), the time column of format 1.x, unless told to
     * read it as the integer it is stored as.
     */
    static final String NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong";

    private FleetViews() {}

    /** Finds the traces the arguments name, registers the tables and views over them, and returns the traces. */
    public static List<FleetTrace> register(SparkSession spark, List<String> arguments) {
        List<FleetTrace> traces =
                TraceFooters.read(arguments, spark.sparkContext().hadoopConfiguration());
        registerTraces(spark, traces);
        return traces;
    }

    static void registerTraces(SparkSession spark, List<FleetTrace> traces) {
        spark.conf().set(NANOS_AS_LONG, "true");
        spark.createDataFrame(traceRows(traces), TRACES).createOrReplaceTempView("traces");
        rawEvents(spark, traces).createOrReplaceTempView("raw_events");
        spark.sql("CREATE OR REPLACE TEMPORARY VIEW events AS SELECT e.*, t.hostname AS host, t.kernel, t.boot_id "
                + "FROM raw_events e JOIN traces t ON e.filename = t.filename");
        for (String statement : statements(resource("views.sql"))) {
            spark.sql(statement);
        }
    }

    private static final StructType TRACES = new StructType()
            .add("filename", DataTypes.StringType)
            .add("hostname", DataTypes.StringType)
            .add("kernel", DataTypes.StringType)
            .add("kernel_version", DataTypes.StringType)
            .add("machine", DataTypes.StringType)
            .add("boot_id", DataTypes.StringType)
            .add("format_version", DataTypes.StringType)
            .add("rows", DataTypes.LongType)
            .add("lost_events", DataTypes.LongType)
            .add("recovered", DataTypes.BooleanType)
            .add("missing_tracepoints", DataTypes.createArrayType(DataTypes.StringType))
            .add("start_realtime_ns", DataTypes.LongType)
            .add("start_boottime_ns", DataTypes.LongType)
            .add("duration_ns", DataTypes.LongType)
            .add("utc_offset_seconds", DataTypes.IntegerType)
            .add("end_ns", DataTypes.LongType);

    private static List<Row> traceRows(List<FleetTrace> traces) {
        List<Row> rows = new ArrayList<>();
        for (FleetTrace t : traces) {
            rows.add(RowFactory.create(
                    t.filename(),
                    t.hostname(),
                    t.kernel(),
                    t.kernelVersion(),
                    t.machine(),
                    t.bootId(),
                    t.formatVersion(),
                    t.rows(),
                    t.lostEvents(),
                    t.recovered(),
                    t.missingTracepoints().toArray(new String[0]),
                    t.startRealtimeNs(),
                    t.startBoottimeNs(),
                    t.durationNs(),
                    t.utcOffsetSeconds(),
                    t.endNs()));
        }
        return rows;
    }

    /**
     * Every trace's rows with filename, seq (the row's position in its file, as DuckDB's
     * file_row_number), time_ns and time, and the socket lifetimes (derived for 1.0 traces by the
     * writer's rules, format-spec/README.md, as the analyzer derives them), with protocol and
     * ns_in_oldstate, which 2.0 traces leave to their readers.
     */
    private static Dataset<Row> rawEvents(SparkSession spark, List<FleetTrace> traces) {
        Map<List<String>, List<FleetTrace>> byColumns = new LinkedHashMap<>();
        for (FleetTrace t : traces) {
            byColumns.computeIfAbsent(t.columns(), k -> new ArrayList<>()).add(t);
        }
        Dataset<Row> all = null;
        int group = 0;
        for (List<FleetTrace> same : byColumns.values()) {
            FleetTrace first = same.get(0);
            String[] uris = same.stream().map(FleetTrace::uri).toArray(String[]::new);
            Dataset<Row> rows = spark.read().parquet(uris);
            Column filename = functions.element_at(fileNames(same), col("_metadata.file_path"));
            if (first.timeColumn().equals("time")) {
                rows = rows.withColumnRenamed("time", "time_ns");
            }
            rows = rows.withColumn("filename", filename).withColumn("seq", col("_metadata.row_index"));
            if (!first.storesLifetimes()) {
                String view = "tcprec_unlived_" + group;
                rows.createOrReplaceTempView(view);
                rows = spark.sql(LIFETIMES_SQL.replace("{rows}", view))
                        .drop("previous_newstate", "previous_change_ns", "address_life", "lifetime_start");
            } else if (!first.columns().contains("ns_in_oldstate")) {
                String view = "tcprec_untimed_" + group;
                rows.createOrReplaceTempView(view);
                rows = spark.sql(TIMES_SQL.replace("{rows}", view));
            }
            if (!first.columns().contains("protocol")) {
                // format-spec/README.md, note 5: 2.0 leaves out protocol, always 6 on a state change
                rows = rows.withColumn("protocol", functions.when(col("event").equalTo("inet_sock_set_state"), lit(6)));
            }
            all = all == null ? rows : all.unionByName(rows, true);
            group++;
        }
        return all.withColumn("time", functions.expr("timestamp_micros(time_ns div 1000)"));
    }

    /**
     * A map from each file as Spark's {@code _metadata.file_path} names it to its name in the views.
     * Hadoop spells a URI without authority two ways (file:///x from a qualified path, file:/x from
     * a local listing), and Spark names files as the file system lists them: both are keys.
     */
    private static Column fileNames(List<FleetTrace> traces) {
        List<Column> entries = new ArrayList<>();
        for (FleetTrace t : traces) {
            java.net.URI u = java.net.URI.create(t.uri());
            entries.add(lit(t.uri()));
            entries.add(lit(t.filename()));
            if (u.getAuthority() == null && u.getScheme() != null) {
                String shortForm = u.getScheme() + ":" + u.getRawPath();
                if (!shortForm.equals(t.uri())) {
                    entries.add(lit(shortForm));
                    entries.add(lit(t.filename()));
                }
            }
        }
        return functions.map(entries.toArray(new Column[0]));
    }

    /**
     * The analyzer's derivation of life and ns_in_oldstate for traces written before 1.1
     * (TraceDatabase): each address's lifetimes apart (address_life), then numbered across the file
     * in the order of their first rows, as a 2.x writer numbers them.
     */
    private static final String LIFETIMES_SQL = "SELECT *, "
            + "CASE WHEN skaddr IS NOT NULL THEN CAST(dense_rank() OVER (PARTITION BY filename "
            + "ORDER BY lifetime_start ASC NULLS LAST) AS INT) END AS life "
            + "FROM (SELECT *, CASE WHEN skaddr IS NOT NULL THEN min(seq) OVER (PARTITION BY filename, skaddr, address_life) "
            + "END AS lifetime_start FROM (SELECT *, "
            + "CASE WHEN skaddr IS NULL THEN NULL ELSE 1 + sum(CASE WHEN event = 'inet_sock_set_state' "
            + "AND (previous_newstate = 'CLOSE' OR previous_newstate <> oldstate) THEN 1 ELSE 0 END) "
            + "OVER (PARTITION BY filename, skaddr ORDER BY time_ns, seq ROWS UNBOUNDED PRECEDING) END AS address_life, "
            + "CASE WHEN event = 'inet_sock_set_state' AND previous_change_ns IS NOT NULL AND previous_newstate <> 'CLOSE' "
            + "AND previous_newstate = oldstate THEN time_ns - previous_change_ns END AS ns_in_oldstate "
            + "FROM (SELECT *, "
            + "last(CASE WHEN event = 'inet_sock_set_state' THEN newstate END, true) OVER w AS previous_newstate, "
            + "last(CASE WHEN event = 'inet_sock_set_state' THEN time_ns END, true) OVER w AS previous_change_ns "
            + "FROM {rows} "
            + "WINDOW w AS (PARTITION BY filename, skaddr ORDER BY time_ns, seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))))";

    /**
     * The analyzer's derivation of ns_in_oldstate for 2.0 traces, which store life but not it
     * (TraceDatabase): the time since the same life's previous state change, null for its first.
     */
    private static final String TIMES_SQL = "SELECT *, CASE WHEN event = 'inet_sock_set_state' AND life IS NOT NULL "
            + "THEN time_ns - lag(time_ns) OVER (PARTITION BY filename, life, event = 'inet_sock_set_state' "
            + "ORDER BY seq) END AS ns_in_oldstate FROM {rows}";

    static String resource(String name) {
        InputStream resource = FleetViews.class.getResourceAsStream(name);
        if (resource == null) {
            throw new IllegalStateException(name + " is missing from the fleet module");
        }
        try (InputStream in = resource) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name + " cannot be read from the fleet module", e);
        }
    }

    /** The statements of a SQL text: each ends with ';' at the end of a line; '--' lines are comments. */
    static List<String> statements(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                statements.add(current.substring(0, current.lastIndexOf(";")));
                current.setLength(0);
            }
        }
        return statements;
    }
}
