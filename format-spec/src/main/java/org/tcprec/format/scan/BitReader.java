package org.tcprec.format.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Parquet's bit-packing, least significant bit first (the packed runs of the RLE/bit-packed
 * hybrid and DELTA_BINARY_PACKED's miniblocks), and the little-endian words and varints around
 * it. Positions are in bits, so a run can be read in pieces that end mid-byte.
 */
final class BitReader {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bytes a page buffer holds past its data, for {@link #unpack(byte[], long, int, int[], int, int)}. */
    static final int SLACK = Long.BYTES;

    private BitReader() {}

    /** Unpacks count values of width (0..64) bits from bitPosition; returns the bit position after them. */
    static long unpack(byte[] in, long bitPosition, int width, long[] out, int at, int count) {
        if (width == 0) {
            java.util.Arrays.fill(out, at, at + count, 0L);
            return bitPosition;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < count; i++) {
            out[at + i] = bits(in, bitPosition, width) & mask;
            bitPosition += width;
        }
        return bitPosition;
    }

    /**
     * The same into ints, for widths up to 32 bits (dictionary indexes, levels), from an array
     * that holds at least {@link #SLACK} bytes past the last value: each value is then one
     * unaligned 64-bit read (it starts at most 7 bits into its first byte and is at most 32 bits
     * wide), with no slower path near the end that the JIT would meet late and recompile for.
     */
    static long unpack(byte[] in, long bitPosition, int width, int[] out, int at, int count) {
        if (width == 0) {
            java.util.Arrays.fill(out, at, at + count, 0);
            return bitPosition;
        }
        int mask = (int) ((1L << width) - 1);
        for (int i = 0; i < count; i++) {
            long word = (long) LONG.get(in, (int) (bitPosition >>> 3));
            out[at + i] = (int) (word >>> (bitPosition & 7)) & mask;
            bitPosition += width;
        }
        return bitPosition;
    }

    /** The width bits at bitPosition in the low bits of the result; the bits above them are not cleared. */
    private static long bits(byte[] in, long bitPosition, int width) {
        int index = (int) (bitPosition >>> 3);
        int shift = (int) (bitPosition & 7);
        long v;
        if (index + Long.BYTES <= in.length) {
            v = (long) LONG.get(in, index);
        } else {
            v = 0;
            for (int b = 0; b < Long.BYTES && index + b < in.length; b++) {
                v |= (in[index + b] & 0xffL) << (8 * b);
            }
        }
        v >>>= shift;
        if (shift + width > 64) {
            // a 64-bit value that does not start on a byte boundary reaches into a ninth byte
            long high = index + 8 < in.length ? in[index + 8] & 0xffL : 0L;
            v |= high << (64 - shift);
        }
        return v;
    }

    static long littleEndianLong(byte[] in, int at) {
        return (long) LONG.get(in, at);
    }

    static int littleEndianInt(byte[] in, int at) {
        return (int) INT.get(in, at);
    }
}
