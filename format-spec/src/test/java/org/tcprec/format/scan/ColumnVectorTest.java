package org.tcprec.format.scan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The vector's answer about its strings' bytes follows every change of its strings. */
class ColumnVectorTest {
    private static final ColumnVector.BytePredicate LETTER = b -> b >= 'a' && b <= 'z';
    private static final ColumnVector.BytePredicate NOT_X = b -> b != 'x';

    private static void append(ColumnVector v, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        v.append(b, 0, b.length);
    }

    @Test
    void answerFollowsAppendsClearsAndSharedBytes() {
        ColumnVector v = new ColumnVector();
        v.clear();
        assertTrue(v.everyStringByte(LETTER), "no strings");
        append(v, "abc");
        assertTrue(v.everyStringByte(LETTER));
        append(v, "a1");
        assertFalse(v.everyStringByte(LETTER), "an appended string outside the test");
        assertTrue(v.everyStringByte(NOT_X), "another test is answered for itself");
        v.clear();
        append(v, "zz");
        assertTrue(v.everyStringByte(LETTER), "a clear forgets the strings before it");
        // shared bytes: only the part the strings lie in counts, and a new hand-over is tested again
        byte[] shared = "okay\u0000\u0000".getBytes(StandardCharsets.US_ASCII);
        v.bytes(shared, 4);
        assertTrue(v.everyStringByte(LETTER));
        shared[1] = '!';
        v.bytes(shared, 4);
        assertFalse(v.everyStringByte(LETTER), "the same array handed over again is tested again");
    }
}
