package org.tcprec.format.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.format.KeyValue;
import org.junit.jupiter.api.Test;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceSchema;

/** The metadata records against real footers, and the reading rules of format-spec/README.md. */
class JsonCodecTest {
    private static final Path SAMPLES = Path.of("..", "sample-traces");

    /** Every key of every sample, known or not, comes back in its place, byte for byte. */
    @Test
    void sampleMetadataSurvivesTheRecords() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(SAMPLES)) {
            samples = files.filter(p -> p.toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
        assertFalse(samples.isEmpty());
        for (Path sample : samples) {
            String text = null;
            for (KeyValue kv : TraceFooter.parquetFooter(sample).getKey_value_metadata()) {
                if (kv.getKey().equals(TraceSchema.METADATA_KEY)) {
                    text = kv.getValue();
                }
            }
            // The same tree, not the same text: recorders differ in where they put keys they added later.
            TraceMetadata metadata = JsonCodec.metadata(text);
            assertEquals(JsonCodec.tree(text), JsonCodec.tree(JsonCodec.write(metadata)), sample.toString());
            assertEquals(text, JsonCodec.write(JsonCodec.tree(text)), sample.toString());
        }
    }

    @Test
    void valuesOfAnotherTypeReadAsAbsentAndUnknownKeysAreKept() {
        TraceMetadata m = JsonCodec.metadata("{\"host\": {\"hostname\": {\"x\": [1]}, \"page_size\": \"4096\","
                + " \"uname\": 5, \"cpus\": {\"possible\": 1.5}, \"later\": {\"q\": 1}}, \"rows\": 99999999999999999999,"
                + " \"events\": {\"a\": \"x\", \"b\": 2}, \"recording\": [1], \"new_key\": [1, 2]}");
        assertNull(m.host().hostname());
        assertNull(m.host().pageSize());
        assertNull(m.host().uname().release());
        assertNull(m.host().cpus().possible());
        assertNull(m.rows());
        assertNull(m.recording().start());
        Map<String, Long> events = new LinkedHashMap<>();
        events.put("a", null);
        events.put("b", 2L);
        assertEquals(events, m.events());
        assertEquals("{\"q\":1}", JsonCodec.writeCompact(m.host().other().get("later")));
        assertEquals(
                "{\"host\":{\"later\":{\"q\":1}},\"events\":{\"a\":null,\"b\":2},\"new_key\":[1,2]}",
                JsonCodec.writeCompact(m));
    }

    @Test
    void layoutIsTheFormatsOwn() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "a\u0001b\bc\fd\n\t\r\"\\ \u00e9 \u2028");
        value.put("d", 1.5e-7);
        value.put("e", List.of());
        value.put("f", Map.of());
        value.put("g", List.of(1, List.of(2)));
        assertEquals(
                "{\n  \"s\": \"a\\u0001b\\u0008c\\u000cd\\n\\t\\r\\\"\\\\ \u00e9 \u2028\",\n  \"d\": 1.5E-7,\n"
                        + "  \"e\": [],\n  \"f\": {},\n  \"g\": [\n    1,\n    [\n      2\n    ]\n  ]\n}",
                JsonCodec.write(value));
        assertEquals(
                "{\"s\":\"a\\u0001b\\u0008c\\u000cd\\n\\t\\r\\\"\\\\ \u00e9 \u2028\",\"d\":1.5E-7,\"e\":[],\"f\":{},"
                        + "\"g\":[1,[2]]}",
                JsonCodec.writeCompact(value));
    }

    @Test
    void damagedDocumentsAreOneLineErrors() {
        for (String text : new String[] {
            "[".repeat(50_000) + "]".repeat(50_000),
            "{\"a\": 1e400}",
            "{\"a\": 007}",
            "{\"a\": \"\\u+041\"}",
            "{\"a\": 1, \"a\": 2}",
            "{} x",
            "[1]",
            ""
        }) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> JsonCodec.metadata(text),
                    text.length() > 40 ? text.substring(0, 40) : text);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(JsonCodec.metadata("{}").equals(TraceMetadata.EMPTY));
    }
}
