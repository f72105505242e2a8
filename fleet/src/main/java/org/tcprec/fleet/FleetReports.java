package org.tcprec.fleet;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The analyzer's reports as Spark SQL over the fleet's views (FleetViews): tcplife, tcpstates, diff's metrics. */
public final class FleetReports {
    /** Each report's name and its SQL file, beside this class. */
    static final Map<String, String> REPORTS =
            Map.of("tcplife", "tcplife.sql", "tcpstates", "tcpstates.sql", "metrics", "metrics.sql");

    private FleetReports() {}

    public static List<String> names() {
        return REPORTS.keySet().stream().sorted().toList();
    }

    /** The report's rows, or null when there is no report of that name. */
    public static Dataset<Row> run(SparkSession spark, String name) {
        String file = REPORTS.get(name);
        return file == null
                ? null
                : spark.sql(FleetViews.statements(FleetViews.resource(file)).get(0));
    }
}
