package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.cli.support.Errors;
import org.tcprec.format.TraceFooter;
import org.tcprec.recorder.journal.Journal;
import org.tcprec.recorder.journal.JournalWriter;
import org.tcprec.recorder.wire.WireEvent;
import picocli.CommandLine;

/** recover never writes over a file that is already at the trace's name. */
class RecoverTest {
    @TempDir
    Path dir;

    @Test
    void aFileAtTheTracesNameIsLeftAlone() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.parquet"), "not to be replaced");
        Path journal = TraceFooter.journalFor(trace);
        try (JournalWriter w = new JournalWriter(journal, WireEvent.SIZE)) {
            w.append(Journal.Kind.START, "{}");
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Errors.install(new CommandLine(new TcprecTestMain())).setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("recover", trace.toString()));
        assertEquals(
                List.of("tcprec: " + trace + " exists beside the journal " + journal + " of an interrupted recording: "
                        + "move " + trace + " away, then recover into its name"),
                err.toString().lines().toList());
        assertEquals("not to be replaced", Files.readString(trace));
        assertTrue(Files.exists(journal));
    }
}
