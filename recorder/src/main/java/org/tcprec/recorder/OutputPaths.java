package org.tcprec.recorder;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.JournalLocks;
import org.tcprec.format.TraceFooter;

/**
 * Where a recording writes: the trace (written in a private directory beside it, then renamed
 * into place), its journal, the journal's successor while it is being replaced, and the disk
 * reserve.
 */
record OutputPaths(OutputFile trace, Path journal, Path nextJournal, Path reserve) {
    static OutputPaths of(OutputFile trace) {
        Path journal = TraceFooter.journalFor(trace.target());
        return new OutputPaths(
                trace,
                journal,
                nextJournalFor(journal),
                trace.directory().resolve("." + trace.name() + ".tcprec-reserve"));
    }

    static Path nextJournalFor(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".next");
    }

    Path output() {
        return trace.target();
    }

    /**
     * Checks, before anything is loaded, that the output may be written and that no recording
     * (live or interrupted) owns its journal.
     */
    static OutputPaths check(Path output, boolean force) throws RecordingException {
        OutputFile trace;
        try {
            trace = OutputFile.prepare(output, force);
        } catch (UserError e) {
            throw new RecordingException(e.getMessage());
        }
        OutputPaths paths = of(trace);
        if (Files.exists(paths.journal(), LinkOption.NOFOLLOW_LINKS)) {
            OptionalLong recorder = JournalLocks.holder(paths.journal());
            if (recorder.isPresent()) {
                throw new RecordingException(JournalLocks.beingRecorded(paths.output(), recorder.getAsLong()));
            }
            throw new RecordingException("an interrupted recording left " + paths.journal() + ": run 'tcprec recover "
                    + paths.output() + "' first (or delete the journal)");
        }
        return paths;
    }
}
