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
     * The same into ints, for widths up to 32 bits (dictionary indexes, levels). Every value but
     * the last few of an array is one unaligned 64-bit read: a value starts at most 7 bits into
     * its first byte and is at most 32 bits wide, so it lies within those 8 bytes.
     */
    static long unpack(byte[] in, long bitPosition, int width, int[] out, int at, int count) {
        if (width == 0) {
            java.util.Arrays.fill(out, at, at + count, 0);
            return bitPosition;
        }
        int mask = (int) ((1L << width) - 1);
        // values whose 8-byte window lies inside the array
        long lastSafeBit = ((long) in.length - Long.BYTES) * 8;
        int fast = lastSafeBit < bitPosition ? 0 : (int) Math.min(count, (lastSafeBit - bitPosition) / width + 1);
        for (int i = 0; i < fast; i++) {
            long word = (long) LONG.get(in, (int) (bitPosition >>> 3));
            out[at + i] = (int) (word >>> (bitPosition & 7)) & mask;
            bitPosition += width;
        }
        for (int i = fast; i < count; i++) {
            out[at + i] = (int) (bits(in, bitPosition, width) & mask);
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
