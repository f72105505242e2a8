package org.tcprec.recorder.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sysctls in a trace are the values the kernel reports, whole (read here with cat). */
class HostFactsTest {
    private static String cat(String file) throws Exception {
        Process p = new ProcessBuilder("cat", file).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return text.trim().replace('\t', ' ');
    }

    @Test
    void multiDigitAndMultiValueSysctlsAreReadWhole() throws Exception {
        Map<String, String> sysctls = HostFacts.tcpSysctls();
        for (String name : new String[] {
            "tcp_rmem", "tcp_wmem", "tcp_mem", "tcp_fin_timeout", "tcp_keepalive_time", "tcp_congestion_control"
        }) {
            String expected = cat("/proc/sys/net/ipv4/" + name);
            assertTrue(expected.length() > 1, name + " = " + expected);
            assertEquals(expected, sysctls.get("net.ipv4." + name), name);
        }
        assertEquals(cat("/proc/sys/net/core/somaxconn"), sysctls.get("net.core.somaxconn"));
    }
}
