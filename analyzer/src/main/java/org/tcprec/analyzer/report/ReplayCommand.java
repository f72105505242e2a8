package org.tcprec.analyzer.report;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tcprec.analyzer.Warnings;
import org.tcprec.analyzer.trace.DeferredChecks;
import org.tcprec.analyzer.trace.ResultSetBatches;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.analyzer.trace.TraceFiles;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.HeldOutput;
import org.tcprec.cli.support.OutputClosed;
import org.tcprec.cli.support.RawOutput;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A bcc tool replayed from traces: opens them, warns about gaps, prints the report. */
public abstract class ReplayCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected ReportOptions options;

    protected PrintWriter out;
    protected Clock clock;
    private long firstPrintedNs = -1;
    /** The notes held until the output is released; null once it is. */
    private List<String> notes = new ArrayList<>();

    /**
     * The traces' metadata is bound and their data checked against their checksums while the
     * report reads them ({@link DeferredChecks}), and the report (and the warnings) held back
     * until the checks have passed: a damaged trace gives its one-line error and nothing else. A
     * report that fails meanwhile fails for the damage, if any.
     */
    @Override
    public final Integer call() {
        checkOptions();
        List<TraceFooter> footers = TraceDatabase.readFooters(TraceFiles.expand(options.traces), false);
        PrintWriter err = spec.commandLine().getErr();
        try (DeferredChecks check = DeferredChecks.start(footers)) {
            HeldOutput held = new HeldOutput(
                    RawOutput.orText(spec.commandLine().getOut()),
                    HELD_BYTES,
                    () -> {
                        check.await();
                        Warnings.print(footers, err);
                        notes.forEach(err::println);
                        err.flush();
                        notes = null;
                    },
                    check::done);
            out = new PrintWriter(new OutputStreamWriter(held, StandardCharsets.UTF_8), true);
            RawOutput.register(out, held);
            try {
                clock = new Clock(footers.get(0));
                if (footers.size() > 1 || !reportFromScan(footers.get(0))) {
                    try (TraceDatabase db = TraceDatabase.of(footers)) {
                        report(db);
                    }
                }
                out.flush();
                held.release();
            } catch (IOException e) {
                throw new OutputClosed(e);
            } catch (RuntimeException e) {
                check.await();
                throw e;
            }
        }
        return ExitCodes.OK;
    }

    /**
     * A line for stderr about the report (not about a trace): after the warnings, once the
     * traces' data has passed its check.
     */
    protected void note(String line) {
        if (notes != null) {
            notes.add(line);
        } else {
            spec.commandLine().getErr().println(line);
            spec.commandLine().getErr().flush();
        }
    }

    /** Output held in memory at most while the traces' data is checked: a few tenths of a second of a long report's lines. */
    private static final long HELD_BYTES = 64L << 20;

    protected abstract void report(TraceDatabase db);

    /** Checks the options that depend on each other; a wrong combination is a command-line error. */
    protected void checkOptions() {}

    /**
     * Prints the report of one trace from the format's own scan instead of DuckDB, when the
     * report has such a path and the trace allows it; false leaves the report to {@link #report}.
     */
    protected boolean reportFromScan(TraceFooter footer) {
        return false;
    }

    /** The header's -T and -t columns (libbpf-tools labels its HH:MM:SS column "TIME(s)"). */
    protected String headerTimePrefix() {
        StringBuilder h = new StringBuilder();
        if (options.csv()) {
            if (options.time) {
                h.append("TIME,");
            }
            if (options.timestamp) {
                h.append("TIME(s),");
            }
            return h.toString();
        }
        if (options.time) {
            h.append(String.format(Locale.ROOT, "%-8s ", "TIME(s)"));
        }
        if (options.timestamp) {
            h.append(String.format(Locale.ROOT, "%-9s ", "TIME(s)"));
        }
        return h.toString();
    }

    /** Handles one batch of rows, read as columns. */
    protected interface BatchHandler {
        void batch(ColumnBatch batch);
    }

    /**
     * Runs {@code SELECT <the selected columns> rest} with its parameters bound and hands each
     * batch of rows to the handler.
     */
    protected void eachBatch(
            TraceDatabase db, SelectedColumns selected, String rest, Object[] parameters, BatchHandler handler) {
        try (PreparedStatement s = db.connection().prepareStatement("SELECT " + selected.list() + " " + rest)) {
            TraceDatabase.bind(s, parameters);
            try (ResultSet rs = s.executeQuery();
                    ResultSetBatches batches = new ResultSetBatches(rs, BATCH_ROWS)) {
                while (batches.next()) {
                    handler.batch(batches);
                }
            }
        } catch (SQLException e) {
            throw new UserError("query failed: " + TraceDatabase.firstLine(e.getMessage()), e);
        }
    }

    private static final int BATCH_ROWS = 1 << 12;

    /**
     * The -T and -t prefixes of a line: the event's wall-clock time in the recording host's zone
     * (its offset at the recording's start), and bcc's seconds since the first line printed.
     * {@code ns} is the event-time column, which a report selects only when -T or -t asks for it.
     */
    protected void timePrefix(LineBuffer line, ColumnVector ns, int row, char separator) {
        if (ns != null) {
            timePrefix(line, ns.getLong(row), separator);
        }
    }

    /** The -T and -t prefixes for an event at ns (only read when one of them is asked for). */
    private void timePrefix(LineBuffer line, long ns, char separator) {
        if (options.time) {
            long seconds = Math.floorMod(Math.floorDiv(ns, 1_000_000_000L) + clock.offsetSeconds(), 86_400L);
            line.number(seconds / 3600, 2, false).ch(':');
            two(line, seconds / 60 % 60).ch(':');
            two(line, seconds % 60).ch(separator);
        }
        if (options.timestamp) {
            line.fixed(microsSinceFirst(ns), 6, separator == ' ' ? 9 : 0, true).ch(separator);
        }
    }

    private static LineBuffer two(LineBuffer line, long v) {
        return line.ch((char) ('0' + v / 10)).ch((char) ('0' + v % 10));
    }

    protected static LineBuffer nullableNumber(LineBuffer line, ColumnVector column, int row, int width) {
        return column.isNull(row) ? line.text("-", width) : line.number(column.getLong(row), width, true);
    }

    protected static LineBuffer nullableUnsigned(LineBuffer line, ColumnVector column, int row) {
        return column.isNull(row) ? line.ch('-') : line.utf8(Long.toUnsignedString(column.getLong(row)));
    }

    /** -t as bcc counts it: whole microseconds since the first line printed, in seconds. */
    protected double secondsSinceFirst(long ts) {
        return microsSinceFirst(ts) / 1e6;
    }

    private long microsSinceFirst(long ns) {
        if (firstPrintedNs < 0) {
            firstPrintedNs = ns;
        }
        return ns / 1000 - firstPrintedNs / 1000;
    }

    /** Prints one row of a report in its text form. */
    protected interface TextRow {
        void print(ResultSet rs) throws SQLException;
    }

    /** Runs the report's query and prints each row, as text or, with --json, as the view's columns. */
    protected void printRows(TraceDatabase db, String sql, Object[] parameters, TextRow text) {
        Rows.query(db, sql, parameters, rs -> {
            if (options.json()) {
                printJson(rs);
            } else {
                text.print(rs);
            }
        });
    }

    /** --json: the row's columns as they come from the view. */
    protected void printJson(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            row.put(
                    md.getColumnLabel(i),
                    v == null || v instanceof Number || v instanceof Boolean || v instanceof String
                            ? v
                            : String.valueOf(v));
        }
        out.println(JsonCodec.writeCompact(row));
    }

    /** A string column of a row, as a report prints it: escaped ({@link TerminalText}), since it comes from the trace. */
    protected static String text(ResultSet rs, String column) throws SQLException {
        return TerminalText.escape(rs.getString(column));
    }
}
