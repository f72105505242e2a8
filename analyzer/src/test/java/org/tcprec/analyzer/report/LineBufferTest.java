package org.tcprec.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/** The printf conversions against C's rules: the exact value of the double, ties to even. */
class LineBufferTest {
    /** glibc's %.Nf: the double's exact binary value, rounded half to even. */
    private static long c(double d, int decimals) {
        return new BigDecimal(d)
                .setScale(decimals, RoundingMode.HALF_EVEN)
                .unscaledValue()
                .longValueExact();
    }

    @Test
    void microsecondsAsMillisecondsRoundLikeC() {
        for (long us = 0; us < 300_000; us++) {
            assertEquals(c(us / 1000.0, 2), LineBuffer.roundedQuotient(us, 1000, 2), "us " + us);
        }
        // the cases that motivated it: 305 us is 0.30 (0.305 is stored below), 36875 us is 36.88
        assertEquals(30, LineBuffer.roundedQuotient(305, 1000, 2));
        assertEquals(3688, LineBuffer.roundedQuotient(36_875, 1000, 2));
    }

    @Test
    void bytesAsKilobytesRoundLikeC() {
        for (long bytes = 0; bytes < 2_000_000; bytes += 7) {
            assertEquals(c(bytes / 1024.0, 2), LineBuffer.roundedBinaryQuotient(bytes, 10, 2), "bytes " + bytes);
        }
    }

    @Test
    void fieldsPadAndTruncateAsPrintfDoes() {
        StringWriter text = new StringWriter();
        LineBuffer line = new LineBuffer(new PrintWriter(text));
        line.number(42, 7, true)
                .ch('|')
                .number(42, 5, false)
                .ch('|')
                .hex(0xffff8881_0a7db780L, 18)
                .ch('|')
                .hex(0, 0)
                .ch('|')
                .fixed(255_627, 3, 0, true)
                .ch('|')
                .fixed(5, 6, 9, true)
                .ch('|')
                .fixed(-1_500, 3, 0, true)
                .ch('|')
                .text("COMM", 6)
                .ch('|')
                .number(Long.MIN_VALUE, 0, true);
        line.endLine();
        line.finish();
        assertEquals(
                String.format(
                        "%-7d|%5d|%-18x|%x|%.3f|%-9.6f|%.3f|%-6s|%d%n",
                        42, 42, 0xffff88810a7db780L, 0, 255.627, 0.000005, -1.5, "COMM", Long.MIN_VALUE),
                text.toString());
    }

    /** %x at every digit count, alone and padded, against Java's own hex (the 16-digit case is computed a word at a time). */
    @Test
    void hexOfEveryLengthAsPrintfDoes() {
        java.util.Random random = new java.util.Random(3);
        StringWriter text = new StringWriter();
        StringBuilder expected = new StringBuilder();
        LineBuffer line = new LineBuffer(new PrintWriter(text));
        for (int digits = 1; digits <= 16; digits++) {
            for (int k = 0; k < 50; k++) {
                long v = digits == 16 ? random.nextLong() | 1L << 63 : random.nextLong() & ((1L << (4 * digits)) - 1);
                v |= digits == 16 ? 0 : 1L << (4 * digits - 1) >>> 3; // keep the top digit non-zero
                for (int width : new int[] {0, 16, 18}) {
                    line.hex(v, width).ch('|');
                    expected.append(String.format(width == 0 ? "%x|" : "%-" + width + "x|", v));
                }
            }
        }
        line.endLine();
        line.finish();
        assertEquals(expected + System.lineSeparator(), text.toString());
    }

    /**
     * Strings of every length from 0 to 40, padded and truncated, from a vector whose bytes end
     * right after them and from one with bytes to spare (short ones are copied a word at a time).
     */
    @Test
    void stringsOfEveryLengthPadAndTruncateAsPrintfDoes() {
        StringBuilder expected = new StringBuilder();
        StringWriter text = new StringWriter();
        LineBuffer line = new LineBuffer(new PrintWriter(text));
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        for (int n = 0; n <= 40; n++) {
            String value = alphabet.substring(0, n);
            org.tcprec.format.scan.ColumnVector tight = new org.tcprec.format.scan.ColumnVector();
            tight.clear();
            byte[] b = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            tight.append(b, 0, b.length);
            tight.bytes(java.util.Arrays.copyOf(b, b.length), b.length); // no byte past the string
            org.tcprec.format.scan.ColumnVector roomy = new org.tcprec.format.scan.ColumnVector();
            roomy.clear();
            roomy.append(
                    ("xx" + value + "yyyyyyyyyyyyyyyyyyyy").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 2, n);
            for (org.tcprec.format.scan.ColumnVector v : new org.tcprec.format.scan.ColumnVector[] {tight, roomy}) {
                line.text(v, 0, 11, -1)
                        .ch('|')
                        .text(v, 0, 16, 16)
                        .ch('|')
                        .text(v, 0, 0, -1)
                        .ch('|')
                        .text(v, 0, 10, 10)
                        .ch('|');
                expected.append(String.format("%-11s|%-16.16s|%s|%-10.10s|", value, value, value, value));
            }
            line.endLine();
            expected.append(System.lineSeparator());
        }
        line.finish();
        assertEquals(expected.toString(), text.toString());
    }

    /**
     * One batch whose strings are plain but one: the batch is not plain as a whole, so each string
     * is tested on its own, only the hostile one is escaped, and the batch that follows (all plain
     * again, in the same vector) prints as it is.
     */
    @Test
    void oneHostileStringInABatchIsEscapedAndOnlyIt() {
        StringWriter text = new StringWriter();
        LineBuffer line = new LineBuffer(new PrintWriter(text));
        org.tcprec.format.scan.ColumnVector v = new org.tcprec.format.scan.ColumnVector();
        String[][] batches = {{"curl", "sshd", "ev\u001bil", "nginx", "a-much-longer-name-than-16"}, {"curl", "x"}};
        StringBuilder expected = new StringBuilder();
        for (String[] batch : batches) {
            v.clear();
            for (String s : batch) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                v.append(b, 0, b.length);
            }
            for (int row = 0; row < batch.length; row++) {
                line.text(v, row, 8, -1).ch('|');
                String shown = org.tcprec.cli.support.TerminalText.escape(batch[row]);
                expected.append(String.format("%-8s|", shown));
            }
            line.endLine();
            expected.append(System.lineSeparator());
        }
        line.finish();
        assertEquals(expected.toString(), text.toString());
        assertTrue(text.toString().contains("ev\\x1bil"), text.toString());
    }

    /**
     * A trace's strings with control characters and bytes that are not UTF-8, from the word-wise
     * path (short) and the long one, print as TerminalText escapes them; truncation counts the
     * trace's bytes and padding the printed ones. Plain strings print as they are.
     */
    @Test
    void controlCharactersAndBadUtf8AreEscaped() {
        StringBuilder expected = new StringBuilder();
        StringWriter text = new StringWriter();
        LineBuffer line = new LineBuffer(new PrintWriter(text));
        byte[][] values = {
            "\u001b]0;x\u0007".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            {'a', '\r', 'b', 0, 'c', 0x7f},
            {'o', 'k', (byte) 0xff, (byte) 0xc3},
            "back\\slash".getBytes(),
            "caf\u00e9 \u0085".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "plain-comm".getBytes(),
            "a long command name \u001b[31m with an escape in it".getBytes(java.nio.charset.StandardCharsets.UTF_8)
        };
        for (byte[] b : values) {
            for (int slack : new int[] {0, 20}) {
                org.tcprec.format.scan.ColumnVector v = new org.tcprec.format.scan.ColumnVector();
                v.clear();
                v.append(java.util.Arrays.copyOf(b, b.length + slack), 0, b.length);
                if (slack == 0) {
                    v.bytes(java.util.Arrays.copyOf(b, b.length), b.length);
                }
                line.text(v, 0, 20, -1).ch('|').text(v, 0, 0, 6).ch('|');
                String all = org.tcprec.cli.support.TerminalText.escape(b);
                String six =
                        org.tcprec.cli.support.TerminalText.escape(java.util.Arrays.copyOf(b, Math.min(6, b.length)));
                // padded as C pads: by bytes
                expected.append(all)
                        .append(" "
                                .repeat(Math.max(0, 20 - all.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)))
                        .append('|')
                        .append(six)
                        .append('|');
                line.endLine();
                expected.append(System.lineSeparator());
            }
        }
        line.finish();
        assertEquals(expected.toString(), text.toString());
        assertTrue(text.toString().contains("\\x1b]0;x\\x07"), text.toString());
        assertTrue(text.toString().contains("plain-comm          |plain-|"), text.toString());
        assertTrue(
                text.toString().chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f || c == 0xfffd),
                text.toString());
    }

    @Test
    void aClosedStandardOutputStopsTheReportQuietly() {
        java.io.OutputStream closed = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        };
        PrintWriter writer = new PrintWriter(new StringWriter());
        org.tcprec.cli.support.RawOutput.register(writer, closed);
        LineBuffer line = new LineBuffer(writer);
        line.ascii("x");
        line.endLine();
        org.junit.jupiter.api.Assertions.assertThrows(org.tcprec.cli.support.OutputClosed.class, line::finish);
    }
}
