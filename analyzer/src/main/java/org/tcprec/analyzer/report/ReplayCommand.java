package org.tcprec.analyzer.report;

import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tcprec.analyzer.Warnings;
import org.tcprec.analyzer.db.TraceDatabase;
import org.tcprec.analyzer.db.TraceFiles;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.format.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A bcc tool replayed from traces: opens them, warns about gaps, prints the report. */
public abstract class ReplayCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected ReportOptions options;

    protected PrintWriter out;
    protected Clock clock;
    /** -t: seconds since the first row printed, as bcc's Python tools count them. */
    private long firstPrintedNs = -1;

    @Override
    public final Integer call() {
        options.checkOutputFlags();
        options.family();
        out = spec.commandLine().getOut();
        try (TraceDatabase db = TraceDatabase.open(TraceFiles.expand(options.traces))) {
            Warnings.print(db, spec.commandLine().getErr());
            clock = new Clock(db.footers().get(0));
            report(db);
        }
        out.flush();
        return ExitCodes.OK;
    }

    protected abstract void report(TraceDatabase db);

    protected String secondsSinceFirst(long ts) {
        if (firstPrintedNs < 0) {
            firstPrintedNs = ts;
        }
        return CFormat.fixed((ts - firstPrintedNs) / 1e9, 6);
    }

    /** --json: the row's columns as they come from the view. */
    protected void printJson(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            row.put(md.getColumnLabel(i), v == null || v instanceof Number || v instanceof Boolean || v instanceof String
                    ? v : String.valueOf(v));
        }
        out.println(Json.writeCompact(row));
    }

    protected static String hex(long address) {
        return Long.toHexString(address);
    }
}
