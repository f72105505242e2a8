package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.recorder.bpf.BpfObject;

/**
 * The kernel's own counters of a loaded program (struct bpf_prog_info), which the recorder
 * reads to count the events the kernel skipped, read the same as bpftool reads them: the run
 * count (with kernel.bpf_stats_enabled, restored afterwards) and the recursion misses.
 */
@ExtendWith(NetnsExtension.class)
class ProgramStatsTest {
    private static final Path STATS = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    @Test
    void programStatsAreTheKernelsAsBpftoolShowsThem(TestNetns ns) throws Exception {
        byte[] elf;
        try (InputStream in = BpfSetup.class.getResourceAsStream(BpfSetup.BPF_OBJECT_RESOURCE)) {
            elf = in.readAllBytes();
        }
        String statsBefore = Files.readString(STATS).trim();
        try (BpfObject bpf = BpfObject.open(elf)) {
            bpf.setAutoload("remember_probe_socket", false);
            bpf.load();
            Files.writeString(STATS, "1");
            bpf.attach("handle_inet_sock_set_state");
            EchoTraffic.run(ns, "127.0.0.1", new long[] {100, 200, 300});
            ns.quiesce();
            bpf.detachAll();
            BpfObject.ProgramStats ours = bpf.programStats("handle_inet_sock_set_state");
            assertNotNull(ours);
            // 3 echo connections: 10 state changes each (both ends), and the listener's 2
            assertTrue(ours.runCount() >= 32, ours.toString());
            Process p = new ProcessBuilder("bpftool", "--json", "prog", "show", "id", String.valueOf(ours.id()))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            JsonNode shown = JsonCodec.tree(out);
            assertEquals(shown.path("run_cnt").longValue(), ours.runCount(), out);
            assertEquals(shown.path("recursion_misses").asLong(0), ours.recursionMisses(), out);
        } finally {
            Files.writeString(STATS, statsBefore);
        }
        assertEquals(statsBefore, Files.readString(STATS).trim());
    }
}
