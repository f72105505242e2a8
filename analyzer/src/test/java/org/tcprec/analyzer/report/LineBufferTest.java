package org.tcprec.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/** The printf conversions against C's rules: the exact value of the double, ties to even. */
class LineBufferTest {
    /** glibc's %.Nf: the double's exact binary value, rounded half to even. */
    private static long c(double d, int decimals) {
        return new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).unscaledValue().longValueExact();
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
        line.number(42, 7, true).ch('|').number(42, 5, false).ch('|').hex(0xffff8881_0a7db780L, 18).ch('|')
                .hex(0, 0).ch('|').fixed(255_627, 3, 0, true).ch('|').fixed(5, 6, 9, true).ch('|')
                .fixed(-1_500, 3, 0, true).ch('|').text("COMM", 6).ch('|').number(Long.MIN_VALUE, 0, true);
        line.endLine();
        line.finish();
        assertEquals(String.format("%-7d|%5d|%-18x|%x|%.3f|%-9.6f|%.3f|%-6s|%d%n", 42, 42, 0xffff88810a7db780L, 0,
                255.627, 0.000005, -1.5, "COMM", Long.MIN_VALUE), text.toString());
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
