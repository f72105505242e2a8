package org.tcprec.analyzer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceFormatException;
import org.tcprec.format.metadata.JsonCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "What a trace holds: where and when it was recorded, the kernel, the tracepoints, the counts "
                + "and lost events. Reads the footer only, so it is instant on any size of file.")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A trace file.")
    Path file;

    @Option(names = "--json", description = "Print the file's metadata as JSON.")
    boolean json;

    @Option(names = "--formats", description = "Also print the kernel's format text of each recorded tracepoint.")
    boolean formats;

    @Override
    public Integer call() {
        TraceFooter footer;
        try {
            footer = TraceFooter.read(file);
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", file.toString());
            doc.put("file_bytes", footer.fileBytes());
            doc.put("rows", footer.rows());
            doc.put("row_groups", footer.rowGroups());
            doc.put("format_version", footer.formatVersion());
            doc.put("checksums", footer.checksums() == TraceChecksums.Result.VERIFIED ? "verified" : "none");
            doc.put("metadata", footer.metadataJson());
            out.println(JsonCodec.write(doc));
        } else {
            out.print(new InfoReport(footer).render(formats));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
