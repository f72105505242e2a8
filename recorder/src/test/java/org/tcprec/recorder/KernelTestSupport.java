package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kernel tests need root; without it they fail with the reason (CI runs them as root). */
final class KernelTestSupport {
    private KernelTestSupport() {}

    static void requireRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:") && !line.split("\\s+")[2].equals("0")) {
                    fail("kernel tests load BPF programs and create network namespaces: run them as root");
                }
            }
        } catch (IOException e) {
            fail("cannot read /proc/self/status: " + e);
        }
    }
}
