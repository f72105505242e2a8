package org.tcprec.analyzer.report;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.UserError;

/** Runs a report's query with its parameters bound, never concatenated. */
public final class Rows {
    public interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private Rows() {}

    public static void query(TraceDatabase db, String sql, Object[] parameters, RowHandler handler) {
        try (PreparedStatement s = db.connection().prepareStatement(sql)) {
            TraceDatabase.bind(s, parameters);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new UserError("query failed: " + TraceDatabase.firstLine(e.getMessage()), e);
        }
    }

    public static Object[] concat(Object[] a, Object... b) {
        Object[] out = new Object[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
