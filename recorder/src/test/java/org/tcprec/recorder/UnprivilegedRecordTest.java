package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;

/** Without the capabilities BPF needs, record says which are missing, in one line, and writes nothing. */
class UnprivilegedRecordTest {
    @TempDir
    Path dir;

    @Test
    void recordingWithoutCapabilitiesNamesTheMissingOnes() throws Exception {
        KernelTestSupport.requireRoot();
        Path trace = dir.resolve("never.parquet");
        Path log = dir.resolve("record.log");
        // root, but with every capability dropped from the bounding set: CapEff is 0 after exec
        Process p = RecorderProcess.start(
                log,
                Map.of(),
                List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all"),
                "record",
                "-d",
                "1s",
                "-o",
                trace.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String output = Files.readString(log);
        assertEquals(1, p.exitValue(), output);
        assertEquals(
                List.of("tcprec: recording needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN) to load and attach "
                        + "BPF programs: run it as root, e.g. with sudo"),
                output.lines().toList());
        assertFalse(Files.exists(trace));
        assertFalse(Files.exists(TraceFooter.journalFor(trace)));
    }
}
