package org.tcprec.fleet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A view's rows from both engines as comparable text: every value by what it means (a number by
 * its decimal value whatever its type, a list by its elements), the rows sorted. DuckDB's TIMESTAMP_NS
 * `time` is compared as the microseconds Spark's timestamps hold; ts_ns carries the nanoseconds.
 */
final class ViewRows {
    private ViewRows() {}

    /** The view's column names in DuckDB. */
    static List<String> duckColumns(Connection duck, String view) throws SQLException {
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + view + " LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnName(i));
            }
            return names;
        }
    }

    static List<String> duck(Connection duck, String query, List<String> columns) throws SQLException {
        List<String> select = new ArrayList<>();
        for (String c : columns) {
            // Spark's timestamps hold microseconds: the instant truncated, as Spark derives it
            select.add(c.equals("time") ? "epoch_ns(time) // 1000 AS time" : c);
        }
        List<String> rows = new ArrayList<>();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + String.join(", ", select) + " FROM (" + query + ")")) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof Array a) {
                        v = Arrays.asList((Object[]) a.getArray());
                    }
                    row.append(i > 1 ? " | " : "").append(text(v));
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }

    static List<String> spark(SparkSession spark, String query, List<String> columns) {
        List<String> select = new ArrayList<>();
        for (String c : columns) {
            select.add(c.equals("time") ? "unix_micros(time) AS time" : "`" + c + "`");
        }
        List<String> rows = new ArrayList<>();
        for (Row r : spark.sql("SELECT " + String.join(", ", select) + " FROM (" + query + ")")
                .collectAsList()) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                Object v = r.get(i);
                if (v instanceof scala.collection.Seq<?>) {
                    v = r.getList(i);
                }
                row.append(i > 0 ? " | " : "").append(text(v));
            }
            rows.add(row.toString());
        }
        rows.sort(null);
        return rows;
    }

    static String text(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Double || v instanceof Float) {
            return BigDecimal.valueOf(((Number) v).doubleValue())
                    .stripTrailingZeros()
                    .toPlainString();
        }
        if (v instanceof BigDecimal || v instanceof BigInteger || v instanceof Number) {
            return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
        }
        if (v instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object o : list) {
                items.add(text(o));
            }
            return items.toString();
        }
        return v.toString();
    }
}
