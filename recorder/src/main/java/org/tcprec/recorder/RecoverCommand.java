package org.tcprec.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceFooter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "recover", mixinStandardHelpOptions = true,
        description = "Rebuild the trace of a recording that was killed (SIGKILL, power loss) from the journal it "
                + "left beside FILE.")
public final class RecoverCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The trace file the interrupted recording was writing.")
    Path output;

    @Override
    public Integer call() {
        Path journal = TraceFooter.journalFor(output);
        if (!Files.exists(journal)) {
            if (Files.exists(output)) {
                throw new UserError(output + " is complete; there is nothing to recover");
            }
            throw new UserError("no journal for " + output + " (looked for " + journal + ")");
        }
        TraceEncoder.Result result;
        try {
            result = TraceEncoder.encode(journal, output);
            Files.delete(journal);
            Files.deleteIfExists(journal.resolveSibling("." + output.getFileName() + ".tcprec-reserve"));
        } catch (IOException e) {
            throw new UserError("cannot recover " + output + ": " + e.getMessage(), e);
        }
        Recorder.handToInvokingUser(output);
        System.err.printf("tcprec: recovered %,d events into %s%s%n", result.rows(), output,
                result.complete() ? " (the recording had finished)"
                        : result.tornBytes() > 0 ? "; " + result.tornBytes() + " bytes of a torn last write were dropped" : "");
        return ExitCodes.OK;
    }
}
