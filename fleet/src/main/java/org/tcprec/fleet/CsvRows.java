package org.tcprec.fleet;

import java.io.PrintStream;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A result's rows as CSV (RFC 4180 quoting) on the driver, streamed a partition at a time. */
final class CsvRows {
    private CsvRows() {}

    static void print(Dataset<Row> rows, PrintStream out) {
        String[] columns = rows.columns();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            line.append(i > 0 ? "," : "").append(field(columns[i]));
        }
        out.println(line);
        Iterator<Row> it = rows.toLocalIterator();
        while (it.hasNext()) {
            Row r = it.next();
            line.setLength(0);
            for (int i = 0; i < columns.length; i++) {
                line.append(i > 0 ? "," : "").append(r.isNullAt(i) ? "" : field(String.valueOf(r.get(i))));
            }
            out.println(line);
        }
        out.flush();
    }

    static String field(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
