package org.tcprec.cli.support;

import java.nio.charset.StandardCharsets;

/**
 * The one rule for text from a trace that reaches a terminal or a text output: a trace may come
 * from a stranger, and a comm or host name holding ESC, CR or NUL would otherwise rewrite the
 * reader's terminal. Printable ASCII and well-formed UTF-8 of printable characters pass as they
 * are; every other byte (C0 controls, DEL, the UTF-8 of C1 controls, bytes that are not
 * well-formed UTF-8) is written as {@code \xHH}, and a backslash as {@code \\}, so that the
 * escaped text reads back unambiguously.
 */
public final class TerminalText {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The most bytes {@link #escape(byte[], int, int, byte[], int)} writes per input byte. */
    public static final int MAX_EXPANSION = 4;

    private TerminalText() {}

    /** A byte that passes as it is without looking further: printable ASCII other than the backslash. */
    public static boolean plain(byte b) {
        return b >= 0x20 && b < 0x7f && b != '\\';
    }

    /**
     * Writes {@code n} bytes of {@code source} from {@code from}, escaped, into {@code target} at
     * {@code at}, which has room for {@link #MAX_EXPANSION} times {@code n} bytes; returns the end.
     */
    public static int escape(byte[] source, int from, int n, byte[] target, int at) {
        int end = from + n;
        int i = from;
        while (i < end) {
            byte b = source[i];
            if (plain(b)) {
                target[at++] = b;
                i++;
            } else if (b == '\\') {
                target[at++] = '\\';
                target[at++] = '\\';
                i++;
            } else {
                int length = printableSequence(source, i, end);
                if (length > 0) {
                    System.arraycopy(source, i, target, at, length);
                    at += length;
                    i += length;
                } else {
                    target[at++] = '\\';
                    target[at++] = 'x';
                    target[at++] = HEX[(b >> 4) & 0xf];
                    target[at++] = HEX[b & 0xf];
                    i++;
                }
            }
        }
        return at;
    }

    /** The string, escaped; the same string when nothing in it needs escaping. */
    public static String escape(String s) {
        if (s == null || !needsEscape(s)) {
            return s;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length * MAX_EXPANSION];
        return new String(out, 0, escape(bytes, 0, bytes.length, out, 0), StandardCharsets.UTF_8);
    }

    /** The bytes (UTF-8 or not), escaped, as a string. */
    public static String escape(byte[] bytes) {
        byte[] out = new byte[bytes.length * MAX_EXPANSION];
        return new String(out, 0, escape(bytes, 0, bytes.length, out, 0), StandardCharsets.UTF_8);
    }

    private static boolean needsEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '\\' || c >= 0x7f && c < 0xa0) {
                return true;
            }
            if (Character.isSurrogate(c)) {
                // a pair is one character; a lone half has no UTF-8 form
                if (!Character.isHighSurrogate(c)
                        || i + 1 == s.length()
                        || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    /**
     * The length of the well-formed UTF-8 sequence of a printable character (U+00A0 or above) at
     * i, or 0 (a C1 control, a stray or truncated byte, an overlong form, a surrogate, past U+10FFFF).
     */
    private static int printableSequence(byte[] s, int i, int end) {
        int b0 = s[i] & 0xff;
        int length;
        int low = 0x80;
        int high = 0xbf;
        if (b0 == 0xc2) {
            length = 2;
            low = 0xa0; // C2 80..9F are the C1 controls
        } else if (b0 >= 0xc3 && b0 <= 0xdf) {
            length = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            if (b0 == 0xe0) {
                low = 0xa0;
            } else if (b0 == 0xed) {
                high = 0x9f;
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            if (b0 == 0xf0) {
                low = 0x90;
            } else if (b0 == 0xf4) {
                high = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + length > end) {
            return 0;
        }
        int b1 = s[i + 1] & 0xff;
        if (b1 < low || b1 > high) {
            return 0;
        }
        for (int k = 2; k < length; k++) {
            int b = s[i + k] & 0xff;
            if (b < 0x80 || b > 0xbf) {
                return 0;
            }
        }
        return length;
    }
}
