package org.tcprec.analyzer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import org.tcprec.analyzer.output.OutputFormat;
import org.tcprec.analyzer.output.ResultTable;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.analyzer.trace.TraceFiles;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Run SQL over one or more traces with DuckDB; without QUERY, an interactive prompt.",
            "DuckDB runs with the file access of the invoking user: a query can read and write any file that user "
                    + "can (COPY ... TO, read_csv, ATTACH), and load extensions. With a trace from someone else, and above "
                    + "all as root, use --safe.",
            "Tables and views: events (one row per event, plus filename), traces (one row per file: host, "
                    + "kernel, boot id...), meta (every metadata key), connections (tcplife), state_changes (tcpstates), "
                    + "retransmits, resets, probes."
        })
public final class SqlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "TRACES",
            description = "A trace file, or a quoted glob such as 'fleet/*.parquet'.")
    String traces;

    @Parameters(index = "1", arity = "0..1", paramLabel = "QUERY", description = "The SQL to run.")
    String query;

    @Mixin
    OutputFormat format;

    @Option(
            names = "--safe",
            description = "Confine DuckDB to the traces once they are open: no other file, no network, no extension, "
                    + "no ATTACH (enable_external_access = false, configuration locked). Queries over the tables and "
                    + "views work as before.")
    boolean safe;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat.Kind kind = format.kind();
        try (TraceDatabase db = TraceDatabase.open(TraceFiles.expand(List.of(traces)))) {
            Warnings.print(db, spec.commandLine().getErr());
            if (safe) {
                db.confineToTraces();
            }
            if (query != null) {
                run(db, query, kind, out);
                return ExitCodes.OK;
            }
            return interactive(db, kind, out);
        }
    }

    private static void run(TraceDatabase db, String sql, OutputFormat.Kind kind, PrintWriter out) {
        try (Statement s = db.connection().createStatement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    ResultTable.print(rs, kind, out);
                }
            }
        } catch (SQLException e) {
            throw new UserError("SQL error: " + TraceDatabase.firstLine(e.getMessage()), e);
        }
    }

    private int interactive(TraceDatabase db, OutputFormat.Kind kind, PrintWriter out) {
        boolean terminal = System.console() != null;
        PrintWriter err = spec.commandLine().getErr();
        if (terminal) {
            out.println("tcprec sql: end statements with ';', '.tables' lists the tables and views, '.quit' leaves.");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder statement = new StringBuilder();
        int failures = 0;
        try {
            while (true) {
                if (terminal) {
                    out.print(statement.length() == 0 ? "tcprec> " : "   ...> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                String trimmed = line.trim();
                if (statement.length() == 0 && trimmed.equals(".quit")) {
                    break;
                }
                if (statement.length() == 0 && trimmed.equals(".tables")) {
                    run(
                            db,
                            "SELECT table_name AS name, table_type AS type FROM information_schema.tables ORDER BY 1",
                            kind,
                            out);
                    continue;
                }
                statement.append(line).append('\n');
                if (trimmed.endsWith(";")) {
                    try {
                        run(db, statement.toString(), kind, out);
                    } catch (UserError e) {
                        err.println("tcprec: " + TerminalText.escape(e.getMessage()));
                        err.flush();
                        failures++;
                    }
                    statement.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read standard input: " + e.getMessage());
        }
        return failures == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
