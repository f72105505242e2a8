package org.tcprec.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
    private static String escaped(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return TerminalText.escape(b);
    }

    @Test
    void controlsAndTheBackslashAreEscaped() {
        assertEquals("a\\x1b[2Jb\\x0dc\\x00d\\x7fe\\x0a\\x09", TerminalText.escape("a\u001b[2Jb\rc\u0000d\u007fe\n\t"));
        assertEquals("C:\\\\x", TerminalText.escape("C:\\x"));
        // C1 controls (U+0080-U+009F, e.g. U+009B, a CSI to some terminals) byte by byte, as the bytes were
        assertEquals("\\xc2\\x9b2J", TerminalText.escape("\u009b2J"));
    }

    @Test
    void printableTextIsTheSameString() {
        String plain = "nginx: worker 10.0.0.1 ESTABLISHED";
        assertSame(plain, TerminalText.escape(plain));
        String unicode = "café ü ☃ 日本 \uD83D\uDE00 \u00a0";
        assertSame(unicode, TerminalText.escape(unicode));
        assertEquals(unicode, TerminalText.escape(unicode.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bytesThatAreNotWellFormedUtf8AreEscapedOneByOne() {
        assertEquals("a\\xffb", escaped('a', 0xff, 'b'));
        assertEquals("\\xc3", escaped(0xc3)); // truncated
        assertEquals("\\xc3(", escaped(0xc3, '(')); // a bad continuation
        assertEquals("\\xc0\\xaf", escaped(0xc0, 0xaf)); // overlong '/'
        assertEquals("\\xe0\\x80\\xaf", escaped(0xe0, 0x80, 0xaf)); // overlong, three bytes
        assertEquals("\\xed\\xa0\\x80", escaped(0xed, 0xa0, 0x80)); // a surrogate
        assertEquals("\\xf4\\x90\\x80\\x80", escaped(0xf4, 0x90, 0x80, 0x80)); // past U+10FFFF
        assertEquals("\\x80", escaped(0x80)); // a stray continuation
        assertEquals("é", escaped(0xc3, 0xa9));
        assertEquals("\uD83D\uDE00", escaped(0xf0, 0x9f, 0x98, 0x80));
    }

    /** Escaping is reversible: every escape starts with a backslash, and a backslash is always escaped. */
    @Test
    void theEscapedFormReadsBackToTheBytes() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(24)];
            random.nextBytes(b);
            String e = TerminalText.escape(b);
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            byte[] u = e.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < u.length; i++) {
                if (u[i] == '\\' && u[i + 1] == '\\') {
                    back.write('\\');
                    i++;
                } else if (u[i] == '\\') {
                    back.write(Integer.parseInt(new String(u, i + 2, 2, StandardCharsets.US_ASCII), 16));
                    i += 3;
                } else {
                    back.write(u[i]);
                }
            }
            assertEquals(
                    java.util.HexFormat.of().formatHex(b),
                    java.util.HexFormat.of().formatHex(back.toByteArray()));
            for (byte x : u) {
                int c = x & 0xff;
                if (c < 0x20 || c == 0x7f) {
                    throw new AssertionError("a control byte passed: " + e);
                }
            }
        }
    }
}
