package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsWhatTheMetadataHolds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "tab\there \"quoted\" \\ newline\n \u0001 ünïcode");
        m.put("long", Long.MIN_VALUE);
        m.put("double", 0.25);
        m.put("null", null);
        m.put("bool", true);
        m.put("list", Arrays.asList(1L, "two", List.of(), Map.of()));
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.writeCompact(m)));
        assertEquals(new java.math.BigInteger("18446612682383660664"), Json.parse("18446612682383660664"));
        assertEquals(123L, Json.parse("123"));
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"{", "{\"a\" 1}", "[1,]x", "\"unterminated", "tru", "{\"a\":1} 2", "-"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void refusesWhatIsPastTheLimitsInOneLine() {
        String[] bad = {
            "[".repeat(8000) + "]".repeat(8000),
            "{\"a\":1e400}",
            "{\"a\":1,\"a\":2}",
            "\"" + "x".repeat(Json.MAX_STRING + 1) + "\"",
            "[" + "1,".repeat((int) Json.MAX_TOKENS) + "1]",
            "1" + "0".repeat(Json.MAX_NUMBER),
            "\"\\u+041\"",
            "007",
        };
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text),
                    text.substring(0, Math.min(40, text.length())));
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
        assertEquals(List.of(List.of()), Json.parse("[" .repeat(1) + "[]]"));
        Object deepest = Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
        assertTrue(deepest instanceof List<?>);
    }
}
