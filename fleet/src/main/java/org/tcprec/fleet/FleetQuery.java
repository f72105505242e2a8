package org.tcprec.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The fleet job: registers the views over the traces named and runs one report or SQL query,
 * then prints its rows as CSV (header first) or, with --output, has Spark write them as Parquet
 * files into a directory (for results too large for the driver). The same jar runs in local mode
 * (java with Spark on the class path; bench/fleet.sh) and on a cluster:
 *
 * <pre>spark-submit --class org.tcprec.fleet.FleetQuery --master spark://HOST:7077 tcprec-fleet.jar \
 *     [--output DIR] TRACES... (tcplife | tcpstates | metrics | 'SQL')</pre>
 *
 * TRACES: directories (searched recursively, as host=NAME/ layouts are), files or globs, on any file
 * system Hadoop reaches (hdfs://, s3a:// with its connector).
 */
public final class FleetQuery {
    private FleetQuery() {}

    public static void main(String[] args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        String output = null;
        if (arguments.size() >= 2 && arguments.get(0).equals("--output")) {
            output = arguments.get(1);
            arguments = arguments.subList(2, arguments.size());
        }
        if (arguments.size() < 2 || arguments.contains("--help") || arguments.contains("-h")) {
            System.err.println("usage: FleetQuery [--output DIR] TRACES... (" + String.join(" | ", FleetReports.names())
                    + " | 'SQL')");
            System.exit(arguments.contains("--help") || arguments.contains("-h") ? 0 : 2);
        }
        String query = arguments.get(arguments.size() - 1);
        List<String> traces = arguments.subList(0, arguments.size() - 1);
        SparkSession spark = SparkSession.builder()
                .appName("tcprec fleet")
                // the views' `time` is UTC, as tcprec prints it
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
        int status = 0;
        try {
            List<FleetTrace> found = FleetViews.register(spark, traces);
            System.err.printf(
                    Locale.ROOT,
                    "%d traces, %,d events%n",
                    found.size(),
                    found.stream().mapToLong(FleetTrace::rows).sum());
            Dataset<Row> report = FleetReports.run(spark, query);
            Dataset<Row> rows = report != null ? report : spark.sql(query);
            if (output != null) {
                rows.write().parquet(output);
            } else {
                CsvRows.print(rows, System.out);
            }
        } catch (FleetException e) {
            System.err.println("error: " + e.getMessage());
            status = 2;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Spark's analysis and parse errors are checked exceptions that Scala throws undeclared
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                throw new IllegalStateException(e);
            }
            System.err.println("error in the query: " + firstLine(e.getMessage()));
            status = 2;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    private static String firstLine(String message) {
        int nl = message == null ? -1 : message.indexOf('\n');
        return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
    }
}
