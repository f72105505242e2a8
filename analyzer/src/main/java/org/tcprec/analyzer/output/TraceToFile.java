package org.tcprec.analyzer.output;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of a command that reads one trace and writes one file: TRACE, -o FILE and --force. */
public final class TraceToFile {
    @Parameters(paramLabel = "TRACE", description = "The trace to read.")
    public Path input;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "The file to write; it appears only when complete.")
    public Path output;

    @Option(
            names = "--force",
            description =
                    "Overwrite the output file if it exists (only a regular file; never through a symbolic link).")
    boolean force;

    /** Checks that the trace exists and that the output may be written (OutputFile), before any work. */
    public OutputFile prepare() {
        if (!Files.exists(input)) {
            throw new UserError(input + ": no such file");
        }
        return OutputFile.prepare(output, force, input);
    }
}
