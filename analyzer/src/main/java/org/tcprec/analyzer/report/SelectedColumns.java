package org.tcprec.analyzer.report;

import java.util.ArrayList;
import java.util.List;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;

/**
 * The columns a report's query selects, and where each one landed. Columns the output does not
 * need (the time without -T or -t, the namespace without -x) are left out: DuckDB's export of
 * the rows is most of a big report's time, and it grows with every column.
 */
final class SelectedColumns {
    private final List<String> expressions = new ArrayList<>();

    /** Selects the expression; returns its column index. */
    int add(String expression) {
        expressions.add(expression);
        return expressions.size() - 1;
    }

    /** Selects the expression only when needed; returns its index, or -1. */
    int addIf(boolean needed, String expression) {
        return needed ? add(expression) : -1;
    }

    String list() {
        return String.join(", ", expressions);
    }

    List<String> expressions() {
        return expressions;
    }

    /** The batch's column at an index from {@link #addIf}, or null when it was left out. */
    static ColumnVector column(ColumnBatch batch, int index) {
        return index < 0 ? null : batch.column(index);
    }
}
