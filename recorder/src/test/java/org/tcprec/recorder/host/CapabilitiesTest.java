package org.tcprec.recorder.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which capability the recorder says is missing, for the effective sets a user may have. */
class CapabilitiesTest {
    static final long SYS_ADMIN = 1L << 21;
    static final long PERFMON = 1L << 38;
    static final long BPF = 1L << 39;

    @Test
    void rootOrBpfWithPerfmonMayRecord() {
        assertEquals(Optional.empty(), Capabilities.missing(SYS_ADMIN));
        assertEquals(Optional.empty(), Capabilities.missing(BPF | PERFMON));
    }

    @Test
    void theMissingOneIsNamed() {
        String none = Capabilities.missing(0).orElseThrow();
        assertTrue(none.contains("CAP_BPF and CAP_PERFMON"), none);
        assertTrue(Capabilities.missing(BPF).orElseThrow().contains("needs CAP_PERFMON"));
        assertTrue(Capabilities.missing(PERFMON).orElseThrow().contains("needs CAP_BPF "));
    }

    @Test
    void effectiveSetIsReadFromProcStatus() {
        assertEquals(0x000001ffffffffffL, Capabilities.effective("Name:\tx\nCapEff:\t000001ffffffffff\nCapBnd:\t0\n"));
    }
}
