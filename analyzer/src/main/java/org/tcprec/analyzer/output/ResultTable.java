package org.tcprec.analyzer.output;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.format.metadata.JsonCodec;

/** Prints a query result as an aligned table, CSV or JSON Lines. */
public final class ResultTable {
    /** Rows an aligned table holds in memory to size its columns; beyond, it streams. */
    private static final int ALIGN_ROWS = 10_000;

    private ResultTable() {}

    public static long print(ResultSet rs, OutputFormat.Kind kind, PrintWriter out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add(TerminalText.escape(md.getColumnLabel(i)));
        }
        long rows = 0;
        switch (kind) {
            case CSV -> {
                out.println(
                        String.join(",", names.stream().map(ResultTable::csv).toList()));
                while (rs.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        line.append(i > 1 ? "," : "").append(csv(text(rs.getObject(i))));
                    }
                    out.println(line);
                    rows++;
                }
            }
            case JSON -> {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        row.put(names.get(i - 1), jsonValue(rs.getObject(i)));
                    }
                    out.println(JsonCodec.writeCompact(row));
                    rows++;
                }
            }
            case TEXT -> rows = aligned(rs, names, out);
        }
        out.flush();
        return rows;
    }

    private static long aligned(ResultSet rs, List<String> names, PrintWriter out) throws SQLException {
        int n = names.size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 0; i < n; i++) {
            width[i] = names.get(i).length();
            numeric[i] = isNumeric(md.getColumnType(i + 1));
        }
        List<String[]> buffered = new ArrayList<>();
        boolean more = true;
        while (buffered.size() < ALIGN_ROWS && (more = rs.next())) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                row[i] = text(rs.getObject(i + 1));
                width[i] = Math.max(width[i], row[i].length());
            }
            buffered.add(row);
        }
        out.println(line(names.toArray(new String[0]), width, numeric));
        long rows = 0;
        for (String[] row : buffered) {
            out.println(line(row, width, numeric));
            rows++;
        }
        while (more && rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                row[i] = text(rs.getObject(i + 1));
            }
            out.println(line(row, width, numeric));
            rows++;
        }
        return rows;
    }

    private static String line(String[] cells, int[] width, boolean[] numeric) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                s.append("  ");
            }
            String cell = cells[i];
            int pad = width[i] - cell.length();
            if (numeric[i]) {
                s.append(" ".repeat(Math.max(0, pad))).append(cell);
            } else {
                s.append(cell);
                if (i < cells.length - 1) {
                    s.append(" ".repeat(Math.max(0, pad)));
                }
            }
        }
        return s.toString();
    }

    private static boolean isNumeric(int sqlType) {
        return switch (sqlType) {
            case Types.TINYINT,
                    Types.SMALLINT,
                    Types.INTEGER,
                    Types.BIGINT,
                    Types.FLOAT,
                    Types.REAL,
                    Types.DOUBLE,
                    Types.DECIMAL,
                    Types.NUMERIC -> true;
            default -> false;
        };
    }

    /** A value as text and CSV print it: strings from a trace escaped ({@link TerminalText}). */
    static String text(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(d);
        }
        return TerminalText.escape(String.valueOf(value));
    }

    private static Object jsonValue(Object value) {
        if (value == null
                || value instanceof Boolean
                || value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof String) {
            return value;
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? null : d;
        }
        if (value instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? null : f.doubleValue();
        }
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        return String.valueOf(value);
    }

    private static String csv(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
