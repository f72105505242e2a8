package org.tcprec.analyzer.trace;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.scan.ColumnVector;

/**
 * A DuckDB result read through JDBC into column batches, so that the reports format rows of a
 * query with the same code as rows of the format's scan. Columns are integers (read as their
 * 64 bits, so a UBIGINT above 2^63 keeps its bits) or strings (their UTF-8 bytes).
 */
public final class ResultSetBatches implements BatchStream {
    private final ResultSet rs;
    private final int batchRows;
    private final boolean[] text;
    private final ColumnVector[] columns;
    private int rows;

    public ResultSetBatches(ResultSet rs, int batchRows) {
        this.rs = rs;
        this.batchRows = batchRows;
        try {
            ResultSetMetaData md = rs.getMetaData();
            text = new boolean[md.getColumnCount()];
            columns = new ColumnVector[text.length];
            for (int i = 0; i < text.length; i++) {
                int type = md.getColumnType(i + 1);
                text[i] = type == Types.VARCHAR || type == Types.CHAR || type == Types.LONGVARCHAR;
                columns[i] = new ColumnVector();
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean next() {
        for (ColumnVector column : columns) {
            column.clear();
        }
        rows = 0;
        try {
            while (rows < batchRows && rs.next()) {
                for (int i = 0; i < columns.length; i++) {
                    append(i);
                }
                rows++;
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows > 0;
    }

    private void append(int i) throws SQLException {
        if (text[i]) {
            String s = rs.getString(i + 1);
            if (s == null) {
                columns[i].appendNull();
            } else {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                columns[i].append(utf8, 0, utf8.length);
            }
            return;
        }
        Object v = rs.getObject(i + 1);
        if (v == null) {
            columns[i].appendNull();
        } else if (v instanceof Number n) {
            columns[i].append(n.longValue());
        } else {
            throw new IllegalArgumentException(
                    "column " + (i + 1) + " is neither an integer nor a string: " + v.getClass());
        }
    }

    private static UserError failed(SQLException e) {
        return new UserError("query failed: " + TraceDatabase.firstLine(e.getMessage()), e);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public ColumnVector column(int index) {
        return columns[index];
    }

    @Override
    public void close() {
        try {
            rs.close();
        } catch (SQLException e) {
            throw failed(e);
        }
    }
}
