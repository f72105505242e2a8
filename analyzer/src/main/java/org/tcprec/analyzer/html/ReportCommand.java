package org.tcprec.analyzer.html;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tcprec.analyzer.Warnings;
import org.tcprec.analyzer.output.TraceToFile;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.FileOwner;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write one self-contained HTML page about a trace, to attach to a ticket: the recording's "
                    + "context, a timeline of connections coloured by state, distributions of lifespan, connect latency "
                    + "and srtt, retransmits and RSTs over time, the state transitions, the top endpoints and processes, "
                    + "and sortable tables. Scripts, styles and data are inline: the page fetches nothing.",
            "Every figure shows the SQL that made it, which `tcprec sql TRACE` runs as is."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  tcprec report web1.parquet -o web1.html",
            "  tcprec scrub web1.parquet -o public.parquet && tcprec report public.parquet -o public.html"
        })
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TraceToFile files;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "At most this many connections in the timeline (default ${DEFAULT-VALUE}).")
    int maxConnections = HtmlReport.DEFAULT_CAPS.timelineConnections();

    @Option(
            names = "--max-rows",
            paramLabel = "N",
            description = "At most this many rows per table (default ${DEFAULT-VALUE}).")
    int maxRows = HtmlReport.DEFAULT_CAPS.tableRows();

    @Override
    public Integer call() {
        if (maxConnections < 1 || maxRows < 1) {
            throw new UserError("--max-connections and --max-rows must be at least 1");
        }
        OutputFile out = files.prepare();
        String page;
        try (TraceDatabase db = TraceDatabase.open(List.of(files.input))) {
            Warnings.print(db, spec.commandLine().getErr());
            page = new HtmlReport(db, new HtmlReport.Caps(maxConnections, maxRows)).render();
        }
        try {
            Files.writeString(out.create(), page, StandardCharsets.UTF_8);
            out.commit(FileOwner.of(null));
        } catch (IOException e) {
            out.abandon();
            throw new UserError("cannot write " + files.output + ": " + e.getMessage(), e);
        }
        spec.commandLine()
                .getErr()
                .printf(
                        Locale.ROOT,
                        "tcprec: wrote %s (%,d bytes)%n",
                        files.output,
                        page.getBytes(StandardCharsets.UTF_8).length);
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }
}
