package org.tcprec.fleet;

import org.apache.spark.sql.SparkSession;

/** A Spark session in this JVM on two cores, small and quiet, as the tests use it. */
final class LocalSpark {
    private LocalSpark() {}

    static SparkSession start() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("tcprec-fleet-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                // a handful of small traces: a few shuffle partitions, not the default 200
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
    }
}
