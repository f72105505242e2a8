package org.tcprec.recorder.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tcprec.recorder.bpf.KernelFeatures.Feature;

/** What record says on kernels that lack what it needs, from probe results made up for the purpose. */
class KernelFeaturesTest {
    @Test
    void aKernelWithoutTheRingBufferIsRefusedInOneLineNamingTheReleaseThatHasIt() {
        Optional<String> refusal = KernelFeatures.refusal(
                "5.4.0-216-generic", EnumSet.of(Feature.RING_BUFFER, Feature.BOOT_CLOCK, Feature.RECURSION_MISSES));
        assertEquals(
                Optional.of("tcprec cannot record on this kernel (Linux 5.4.0-216-generic): it lacks the BPF ring "
                        + "buffer (Linux 5.8) and the bpf_ktime_get_boot_ns() helper (Linux 5.8); it records on Linux 5.8 and "
                        + "later, with BTF"),
                refusal);
        assertFalse(refusal.get().contains("\n"));
    }

    @Test
    void aKernelWithoutBtfIsRefused() {
        String refusal = KernelFeatures.refusal("5.10.0-8-amd64", EnumSet.of(Feature.BTF, Feature.RECURSION_MISSES))
                .orElseThrow();
        assertTrue(
                refusal.contains(
                        "it lacks BTF at /sys/kernel/btf/vmlinux (Linux 5.4 built with CONFIG_DEBUG_INFO_BTF=y)"),
                refusal);
    }

    @Test
    void aKernelLackingOnlyTheRecursionCounterRecordsAndSaysWhatIsUnknown() {
        assertEquals(Optional.empty(), KernelFeatures.refusal("5.10.0-46-amd64", EnumSet.of(Feature.RECURSION_MISSES)));
        assertEquals("Linux 5.12", Feature.RECURSION_MISSES.unknownEntry().get("since"));
        assertTrue(
                Feature.RECURSION_MISSES.unknownEntry().get("effect").toString().contains("unknown"));
    }

    @Test
    void releasesCompareByMajorAndMinor() {
        assertTrue(KernelFeatures.newer("5.12", "5.8"));
        assertTrue(KernelFeatures.newer("6.1", "5.12"));
        assertFalse(KernelFeatures.newer("5.4 built with CONFIG_DEBUG_INFO_BTF=y", "5.8"));
    }

    /** This machine's kernel (6.18) has every feature; its BTF names the counter (the probe reads it there). */
    @Test
    void thisKernelLacksNothing() {
        assertTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "tcprec's tests run on a kernel with BTF");
        assertTrue(KernelLayout.structHasMember("bpf_prog_info", "recursion_misses"));
        assertFalse(KernelLayout.structHasMember("bpf_prog_info", "no_such_member"));
        assertEquals(EnumSet.noneOf(Feature.class), KernelFeatures.missing());
    }
}
