package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tcprec.recorder.wire.WireEvent;

/**
 * The Java decoder's offsets against the compiled object's BTF for struct tcprec_event: if
 * bpf/tcprec.h changes and WireEvent does not, this fails.
 */
class WireLayoutTest {
    @Test
    void javaOffsetsMatchTheBtfOfTheCommittedObject() throws Exception {
        byte[] object = BpfSetup.bpfObjectBytes();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tcprec", ".bpf.o");
        try {
            java.nio.file.Files.write(file, object);
            Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", file.toString())
                    .redirectErrorStream(true)
                    .start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), dump);
            Matcher struct = Pattern.compile("STRUCT 'tcprec_event' size=(\\d+) vlen=(\\d+)\\n((?:\\t'.*\\n)+)")
                    .matcher(dump);
            assertTrue(struct.find(), "struct tcprec_event is in the object's BTF");
            assertEquals(WireEvent.SIZE, Integer.parseInt(struct.group(1)));
            Map<String, Integer> btf = new HashMap<>();
            Matcher member =
                    Pattern.compile("'(\\w+)' type_id=\\d+ bits_offset=(\\d+)").matcher(struct.group(3));
            while (member.find()) {
                btf.put(member.group(1), Integer.parseInt(member.group(2)) / 8);
            }
            assertEquals(Integer.parseInt(struct.group(2)), btf.size());
            int checked = 0;
            for (Field f : WireEvent.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("OFF_")) {
                    String name = f.getName().substring(4).toLowerCase();
                    assertTrue(btf.containsKey(name), "BTF has no member " + name);
                    assertEquals(btf.get(name), f.getInt(null), "offset of " + name);
                    checked++;
                }
            }
            // Every member but the trailing padding has a Java offset.
            assertEquals(btf.size() - 1, checked);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
