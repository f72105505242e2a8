package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed object must be built from the committed sources: `make -C bpf` records the
 * sources' hashes beside the object, and this compares them with the sources as they are now.
 */
class BpfObjectFreshnessTest {
    @Test
    void objectWasRebuiltAfterTheLastSourceChange() throws Exception {
        Path bpf = Path.of("..", "bpf");
        List<String> recorded = Files.readAllLines(bpf.resolve("tcprec.bpf.o.sources.sha256"));
        assertTrue(recorded.size() >= 6, "hash list covers the sources");
        for (String line : recorded) {
            String[] parts = line.split("\\s+");
            byte[] content = Files.readAllBytes(bpf.resolve(parts[1]));
            String actual = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            assertEquals(
                    parts[0], actual, "bpf/" + parts[1] + " changed since tcprec.bpf.o was built: run 'make -C bpf'");
        }
        try (var sources = Files.list(bpf)) {
            long sourceFiles = sources.filter(
                            p -> p.toString().endsWith(".c") || p.toString().endsWith(".h"))
                    .count();
            assertEquals(sourceFiles, recorded.size(), "every BPF source is covered by the hash list");
        }
    }
}
