package org.tcprec.format.scan;

/** A read position in a byte array, for the varints that Parquet's encodings start their runs and blocks with. */
final class ByteCursor {
    byte[] bytes;
    int position;
    int end;

    void reset(byte[] bytes, int position, int end) {
        this.bytes = bytes;
        this.position = position;
        this.end = end;
    }

    /** ULEB128, as Parquet writes run headers and block headers. */
    long unsignedVarLong() {
        long value = 0;
        int shift = 0;
        while (true) {
            if (position >= end) {
                throw new TraceScanException("varint runs past the end of its page");
            }
            byte b = bytes[position++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
            shift += 7;
            if (shift > 63) {
                throw new TraceScanException("varint longer than 64 bits");
            }
        }
    }

    int unsignedVarInt() {
        long v = unsignedVarLong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new TraceScanException("varint " + v + " does not fit where a count was expected");
        }
        return (int) v;
    }

    long zigzagVarLong() {
        long v = unsignedVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    int unsignedByte() {
        if (position >= end) {
            throw new TraceScanException("page ends in the middle of a header");
        }
        return bytes[position++] & 0xff;
    }
}
