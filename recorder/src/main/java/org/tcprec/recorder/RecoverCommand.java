package org.tcprec.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.FileOwner;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.cli.support.OwnerOption;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.JournalLocks;
import org.tcprec.format.TraceFooter;
import org.tcprec.recorder.journal.JournalLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "recover",
        mixinStandardHelpOptions = true,
        description = "Rebuild the trace of a recording that was killed (SIGKILL, power loss) from the journal it "
                + "left beside FILE.")
public final class RecoverCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The trace file the interrupted recording was writing.")
    Path output;

    @Mixin
    OwnerOption owner;

    @Override
    public Integer call() {
        FileOwner traceOwner = owner.resolve();
        if (Files.isDirectory(output)) {
            throw new UserError(output + " is a directory, not a trace file");
        }
        Path journal = TraceFooter.journalFor(output);
        if (!Files.exists(journal)) {
            if (Files.exists(output)) {
                throw new UserError(output + " is complete; there is nothing to recover");
            }
            throw new UserError("no journal for " + output + " (looked for " + journal + ")");
        }
        TraceEncoder.Result result;
        // the lock keeps a live recorder's journal from being taken, and a second recover out
        try (JournalLock lock = JournalLock.take(journal)) {
            if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserError(output + " exists beside the journal " + journal + " of an interrupted recording: "
                        + "move " + output + " away, then recover into its name");
            }
            OutputFile trace = OutputFile.prepare(output, false);
            result = TraceEncoder.encode(journal, trace, traceOwner);
            Files.delete(journal);
            // what a kill can leave beside the journal: its successor half-written, the disk reserve
            Files.deleteIfExists(OutputPaths.nextJournalFor(journal));
            Files.deleteIfExists(journal.resolveSibling("." + output.getFileName() + ".tcprec-reserve"));
        } catch (JournalLock.Held e) {
            throw new UserError(JournalLocks.beingRecorded(output, e.pid()) + "; nothing to recover", e);
        } catch (IOException e) {
            throw new UserError("cannot recover " + output + ": " + e.getMessage(), e);
        }
        System.err.printf(
                Locale.ROOT,
                "tcprec: recovered %,d events into %s%s%s%n",
                result.rows(),
                output,
                result.complete()
                        ? " (the recording had finished)"
                        : result.tornBytes() > 0
                                ? "; " + result.tornBytes() + " bytes of a torn last write were dropped"
                                : "",
                result.skippedStretches() == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; skipped %,d damaged %s of the journal (%,d bytes) that failed "
                                        + "%s checksum, and went on after %s",
                                result.skippedStretches(),
                                result.skippedStretches() == 1 ? "stretch" : "stretches",
                                result.skippedBytes(),
                                result.skippedStretches() == 1 ? "its" : "their",
                                result.skippedStretches() == 1 ? "it" : "each"));
        RecordCommand.printOwner(System.err, output, traceOwner);
        return ExitCodes.OK;
    }
}
