package org.tcprec.format.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JsonCodec's reading of any JSON text: malformed text and text past the limits refused in one line. */
class JsonLimitsTest {
    @Test
    void roundTripsWhatTheMetadataHolds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "tab\there \"quoted\" \\ newline\n \u0001 ünïcode");
        m.put("long", Long.MIN_VALUE);
        m.put("double", 0.25);
        m.put("null", null);
        m.put("bool", true);
        m.put("list", Arrays.asList(1L, "two", List.of(), Map.of()));
        assertEquals(JsonCodec.writeCompact(m), JsonCodec.writeCompact(JsonCodec.tree(JsonCodec.write(m))));
        assertEquals(m, JsonCodec.value(JsonCodec.writeCompact(m)));
        assertEquals(
                new BigInteger("18446612682383660664"),
                JsonCodec.tree("18446612682383660664").bigIntegerValue());
        assertEquals(123L, JsonCodec.tree("123").longValue());
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"{", "{\"a\" 1}", "[1,]x", "\"unterminated", "tru", "{\"a\":1} 2", "-"}) {
            assertThrows(IllegalArgumentException.class, () -> JsonCodec.tree(bad), bad);
        }
    }

    @Test
    void refusesWhatIsPastTheLimitsInOneLine() {
        String[] bad = {
            "[".repeat(8000) + "]".repeat(8000),
            "{\"a\":1e400}",
            "{\"a\":1,\"a\":2}",
            "\"" + "x".repeat(JsonLimits.MAX_STRING + 1) + "\"",
            "[" + "1,".repeat((int) JsonLimits.MAX_TOKENS) + "1]",
            "1" + "0".repeat(JsonLimits.MAX_NUMBER),
            "\"\\u+041\"",
            "007",
        };
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> JsonCodec.tree(text),
                    text.substring(0, Math.min(40, text.length())));
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
        assertEquals("[[]]", JsonCodec.writeCompact(JsonCodec.tree("[[]]")));
        assertTrue(JsonCodec.tree("[".repeat(JsonLimits.MAX_DEPTH) + "]".repeat(JsonLimits.MAX_DEPTH))
                .isArray());
    }
}
