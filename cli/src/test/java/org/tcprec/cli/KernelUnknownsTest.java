package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * A trace from a kernel that could not count something (footer key unknown: on 5.10, the events
 * the kernel skipped) says so in info and in every report's warning; a trace without the key
 * (older recorders, or a kernel that lacked nothing) says nothing of the kind.
 */
class KernelUnknownsTest {
    @TempDir
    Path dir;

    private Path trace(boolean unknown) throws Exception {
        ObjectNode meta = (ObjectNode) TraceFooter.read(Path.of(AnalyzerCommandsTest.CLEAN))
                .metadataJson()
                .deepCopy();
        if (unknown) {
            ObjectNode skipped = ((ObjectNode) meta.get("lost_events")).putObject("skipped_by_kernel");
            skipped.putNull("total");
            skipped.putObject("by_type");
            meta.putArray("unknown")
                    .addObject()
                    .put("feature", "bpf_prog_info.recursion_misses")
                    .put("since", "Linux 5.12")
                    .put("effect", "events the kernel skipped are not counted");
        }
        return CraftedTraces.withMetadata(
                Path.of(AnalyzerCommandsTest.CLEAN), dir.resolve(unknown + ".parquet"), JsonCodec.writeCompact(meta));
    }

    @Test
    void infoAndEveryReportSayWhatTheKernelCouldNotCount() throws Exception {
        Path trace = trace(true);
        assertEquals(
                null,
                TraceFooter.read(trace)
                        .metadata()
                        .lostEvents()
                        .skippedByKernel()
                        .total());
        TcprecRun info = run("info", trace.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(
                info.out()
                        .contains("\nunknown:     bpf_prog_info.recursion_misses (Linux 5.12): events the kernel "
                                + "skipped are not counted\n"),
                info.out());
        assertTrue(info.out().contains("\nlost events: at least 0 (per CPU: "), info.out());
        String warning =
                "WARNING: " + trace + ": the recording kernel lacked bpf_prog_info.recursion_misses (Linux 5.12): "
                        + "events the kernel skipped are not counted";
        for (String report : new String[] {"tcplife", "tcpstates", "tcpretrans", "tcpconnect", "tcpreset", "print"}) {
            TcprecRun r = run(report, trace.toString());
            assertEquals(0, r.exit(), report + ": " + r.err());
            assertTrue(r.errLines().contains(warning), report + ": " + r.err());
        }
    }

    @Test
    void aTraceThatLackedNothingWarnsOfNothing() throws Exception {
        Path trace = trace(false);
        TcprecRun info = run("info", trace.toString());
        assertFalse(info.out().contains("unknown:"), info.out());
        assertFalse(info.out().contains("at least"), info.out());
        TcprecRun life = run("tcplife", trace.toString());
        assertFalse(life.err().contains("lacked"), life.err());
    }
}
