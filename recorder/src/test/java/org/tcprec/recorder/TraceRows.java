package org.tcprec.recorder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.format.TraceFooter;

/** Reads a trace back through DuckDB: an independent Parquet reader, and plain SQL. */
final class TraceRows {
    private TraceRows() {}

    static List<Map<String, Object>> query(Path trace, String sqlWithTraceAsT, Object... params) throws Exception {
        String sql = sqlWithTraceAsT.replace(
                "{t}", "read_parquet('" + trace.toString().replace("'", "''") + "')");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** The recording's stop reason from the trace's footer (SIGTERM, SIGINT, duration, ...). */
    static String stopReason(Path trace) throws Exception {
        return TraceFooter.read(trace).metadata().recording().stopReason();
    }

    /** The rows of the trace's close of the connection from this client port (1 when it was recorded). */
    static long closesOf(Path trace, int clientPort) throws Exception {
        return count(trace, "event = 'inet_sock_set_state' AND lport = ? AND newstate = 'CLOSE'", clientPort);
    }

    static long count(Path trace, String where, Object... params) throws Exception {
        return ((Number) query(trace, "SELECT count(*) AS n FROM {t} WHERE " + where, params)
                        .get(0)
                        .get("n"))
                .longValue();
    }
}
