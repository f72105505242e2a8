package org.tcprec.analyzer.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.tcprec.cli.support.OutputClosed;
import org.tcprec.cli.support.RawOutput;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.format.scan.ColumnVector;

/**
 * Report lines built as bytes, with the few printf conversions the bcc tools use, exactly as C
 * prints them: left- and right-justified fields, %x, and fixed decimals computed from integers
 * so that no binary rounding can creep in. A line costs no Java object.
 *
 * <p>The buffer past the text written is kept full of spaces, so that padding a field is only a
 * step forward: a tcpstates line pads ten fields, and filling or copying those short runs of
 * spaces was the formatter's largest cost.
 */
final class LineBuffer {
    private static final int FLUSH_AT = 1 << 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SPACES = 0x2020202020202020L;
    /** The test of a byte that prints as it is, as one object: a vector answers for the last one it was asked. */
    private static final ColumnVector.BytePredicate PLAIN = TerminalText::plain;
    /** BYTES_MASK[k]: the low k bytes of a word. */
    private static final long[] BYTES_MASK = new long[Long.BYTES + 1];

    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        for (int k = 1; k <= Long.BYTES; k++) {
            BYTES_MASK[k] = k == Long.BYTES ? -1L : (1L << (8 * k)) - 1;
        }
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final OutputStream raw;
    private final PrintWriter writer;
    private byte[] buffer = blank(FLUSH_AT + 4096);
    private int length;
    private int lineStart;

    LineBuffer(PrintWriter writer) {
        this.writer = writer;
        this.raw = RawOutput.of(writer);
        writer.flush();
    }

    private static byte[] blank(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) ' ');
        return b;
    }

    private void room(int bytes) {
        if (length + bytes > buffer.length) {
            byte[] bigger = blank(Math.max(buffer.length * 2, length + bytes));
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
    }

    LineBuffer ascii(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            buffer[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    LineBuffer utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        room(b.length);
        System.arraycopy(b, 0, buffer, length, b.length);
        length += b.length;
        return this;
    }

    LineBuffer ch(char c) {
        room(1);
        buffer[length++] = (byte) c;
        return this;
    }

    /** n spaces: the buffer holds spaces past the text already. */
    private LineBuffer spaces(int n) {
        if (n > 0) {
            room(n);
            length += n;
        }
        return this;
    }

    /**
     * %-WIDTH.MAXs of a VARCHAR value (max < 0: no truncation); bytes, as C counts them. Text from
     * a trace: anything but printable characters is escaped ({@link TerminalText}), after the
     * truncation and before the padding.
     */
    LineBuffer text(ColumnVector column, int row, int width, int max) {
        int n = column.length(row);
        if (max >= 0 && n > max) {
            n = max;
        }
        room(Math.max(n + width, 2 * Long.BYTES));
        byte[] source = column.bytes();
        int from = column.start(row);
        // most batches hold no byte to escape, and the vector says so once for the whole batch
        boolean plain = column.everyStringByte(PLAIN);
        if (n <= 2 * Long.BYTES && from + 2 * Long.BYTES <= source.length) {
            // A report's strings are short (comm, a state, an IPv4 address). Two 8-byte words,
            // the bytes past the string turned into the spaces that follow text here: no loop
            // whose length changes from string to string (its exit was mispredicted every time).
            long low = BYTES_MASK[Math.min(n, Long.BYTES)];
            long high = BYTES_MASK[Math.max(n - Long.BYTES, 0)];
            long first = (long) LONG.get(source, from) & low | SPACES & ~low;
            long second = (long) LONG.get(source, from + Long.BYTES) & high | SPACES & ~high;
            if (!plain && (!plain(first) || !plain(second))) {
                return escaped(source, from, n, width);
            }
            LONG.set(buffer, length, first);
            LONG.set(buffer, length + Long.BYTES, second);
        } else {
            if (!plain) {
                for (int i = from; i < from + n; i++) {
                    if (!TerminalText.plain(source[i])) {
                        return escaped(source, from, n, width);
                    }
                }
            }
            System.arraycopy(source, from, buffer, length, n);
        }
        length += n;
        return spaces(width - n);
    }

    private LineBuffer escaped(byte[] source, int from, int n, int width) {
        room(n * TerminalText.MAX_EXPANSION + Math.max(width, 0));
        int start = length;
        length = TerminalText.escape(source, from, n, buffer, length);
        return spaces(width - (length - start));
    }

    /**
     * Whether all eight bytes of a word are {@link TerminalText#plain}: none at 0x80 or above, none
     * below 0x20, no DEL (0x7f + 1 sets the top bit) and no backslash, each tested on all bytes
     * at once (a byte below k: (x - k) & ~x has its top bit).
     */
    private static boolean plain(long x) {
        long top = 0x8080808080808080L;
        long ones = 0x0101010101010101L;
        long backslash = x ^ (ones * '\\');
        long odd = x | (x + ones) | ((x - ones * 0x20) & ~x) | ((backslash - ones) & ~backslash);
        return (odd & top) == 0;
    }

    /** %-WIDTHs of a Java string (headers, constants). */
    LineBuffer text(String s, int width) {
        int before = length;
        utf8(s);
        return spaces(width - (length - before));
    }

    /** %-WIDTHd (left) or %WIDTHd (right). */
    LineBuffer number(long v, int width, boolean left) {
        int start = length;
        appendDecimal(v);
        return justify(start, width, left);
    }

    /** %-WIDTHx of an unsigned 64-bit value. */
    LineBuffer hex(long v, int width) {
        int start = length;
        int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) / 4;
        if (digits == 16) {
            // a kernel address: all sixteen digits, eight at a time
            room(16 + Math.max(width - 16, 0));
            LONG.set(buffer, length, hexDigits(v >>> 32));
            LONG.set(buffer, length + Long.BYTES, hexDigits(v & 0xffffffffL));
            length += 16;
            return justify(start, width, true);
        }
        room(digits + Math.max(width - digits, 0));
        for (int i = digits - 1; i >= 0; i--) {
            buffer[length++] = HEX[(int) ((v >>> (i * 4)) & 0xf)];
        }
        return justify(start, width, true);
    }

    /**
     * The 8 hex digits of a 32-bit value as 8 ASCII bytes in a little-endian word (the first digit
     * in the lowest byte): each nibble spread into a byte of its own, then '0' added, and 39 more
     * where the nibble is 10 or more (its byte + 6 reaches 16).
     */
    private static long hexDigits(long x) {
        x = (x & 0xFFFF0000L) << 16 | x & 0xFFFFL;
        x = (x & 0x0000FF000000FF00L) << 8 | x & 0x000000FF000000FFL;
        x = (x & 0x00F000F000F000F0L) << 4 | x & 0x000F000F000F000FL;
        x = Long.reverseBytes(x);
        long letters = ((x + 0x0606060606060606L) >>> 4) & 0x0101010101010101L;
        return x + 0x3030303030303030L + letters * 39;
    }

    /**
     * A non-negative value given in units of 10^-decimals, printed with that many decimals:
     * %.3f of microseconds / 1000.0 is fixed(us, 3), which is exact.
     */
    LineBuffer fixed(long scaled, int decimals, int width, boolean left) {
        int start = length;
        long unit = POWERS_OF_TEN[decimals];
        if (scaled < 0) {
            ch('-');
            scaled = -scaled;
        }
        appendDecimal(scaled / unit);
        if (decimals > 0) {
            room(decimals + 1);
            buffer[length] = '.';
            // the fraction's digits from the last, by the constant 10 (the JIT multiplies)
            long fraction = scaled % unit;
            for (int i = decimals; i > 0; i--) {
                buffer[length + i] = (byte) ('0' + fraction % 10);
                fraction /= 10;
            }
            length += decimals + 1;
        }
        return justify(start, width, left);
    }

    private void appendDecimal(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        if (v < 0) {
            ch('-');
            v = -v;
        }
        room(20);
        if (v < 10) {
            buffer[length++] = (byte) ('0' + v);
            return;
        }
        int digits = 2;
        while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) {
            digits++;
        }
        if (v <= Integer.MAX_VALUE) {
            // int division is several times cheaper than long division
            int iv = (int) v;
            for (int i = digits - 1; i >= 0; i--) {
                buffer[length + i] = (byte) ('0' + iv % 10);
                iv /= 10;
            }
        } else {
            for (int i = digits - 1; i >= 0; i--) {
                buffer[length + i] = (byte) ('0' + v % 10);
                v /= 10;
            }
        }
        length += digits;
    }

    private LineBuffer justify(int start, int width, boolean left) {
        int n = length - start;
        if (n >= width) {
            return this;
        }
        if (left) {
            return spaces(width - n);
        }
        room(width - n);
        System.arraycopy(buffer, start, buffer, start + width - n, n);
        for (int i = start; i < start + width - n; i++) {
            buffer[i] = ' ';
        }
        length += width - n;
        return this;
    }

    void endLine() {
        ch('\n');
        lineStart = length;
        if (length >= FLUSH_AT) {
            flush();
        }
    }

    void flush() {
        if (lineStart == 0) {
            return;
        }
        if (raw != null) {
            try {
                raw.write(buffer, 0, lineStart);
            } catch (IOException e) {
                throw new OutputClosed(e);
            }
        } else {
            writer.write(new String(buffer, 0, lineStart, StandardCharsets.UTF_8));
        }
        System.arraycopy(buffer, lineStart, buffer, 0, length - lineStart);
        int written = length;
        length -= lineStart;
        lineStart = 0;
        Arrays.fill(buffer, length, written, (byte) ' ');
    }

    /** Writes what is complete and leaves the stream ready for the Writer again. */
    void finish() {
        flush();
        try {
            if (raw != null) {
                raw.flush();
            }
        } catch (IOException e) {
            throw new OutputClosed(e);
        }
        writer.flush();
    }

    /**
     * C's rounding of a double to {@code decimals} places, for values that reports compute as
     * integer / 10^k in floating point (tcplife's MS: span_us / 1000.0 with %.2f): the exact
     * integer result, except at a decimal tie, where the double lies just above or below the tie
     * and C rounds accordingly (305 us prints 0.30 because 0.305 is stored as 0.30499...).
     * Returns the value in units of 10^-decimals.
     */
    static long roundedQuotient(long numerator, long denominatorPowerOfTen, int decimals) {
        long unit = 1;
        for (int i = 0; i < decimals; i++) {
            unit *= 10;
        }
        // numerator / denominator to `decimals` places = numerator * unit / denominator
        long divisor = denominatorPowerOfTen / unit;
        if (divisor <= 1) {
            return numerator * (unit / denominatorPowerOfTen);
        }
        long q = numerator / divisor;
        long r = numerator % divisor;
        if (2 * r < divisor) {
            return q;
        }
        if (2 * r > divisor) {
            return q + 1;
        }
        // a tie in decimal: which side of it the double landed on, or, when the double is the tie
        // itself (36.875 is 36 + 7/8), glibc's round-half-to-even
        double d = (double) numerator / denominatorPowerOfTen;
        double side = Math.fma(d, denominatorPowerOfTen, -numerator);
        if (side == 0) {
            return (q & 1) == 0 ? q : q + 1;
        }
        return side > 0 ? q + 1 : q;
    }

    /** glibc's %.Nf of an exact binary fraction numerator / 2^k (tcplife's KB = bytes / 1024): ties to even. */
    static long roundedBinaryQuotient(long numerator, int shift, int decimals) {
        long unit = 1;
        for (int i = 0; i < decimals; i++) {
            unit *= 10;
        }
        long scaled = numerator * unit;
        long divisor = 1L << shift;
        long q = scaled >> shift;
        long r = scaled & (divisor - 1);
        if (2 * r > divisor || 2 * r == divisor && (q & 1) == 1) {
            return q + 1;
        }
        return q;
    }
}
