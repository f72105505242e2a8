package org.tcprec.format.scan;

/**
 * Parquet's RLE/bit-packed hybrid: definition levels and dictionary indexes. A run header is a
 * varint; its low bit says whether (header >>> 1) values repeat one value stored in the
 * following ceil(width / 8) bytes, or (header >>> 1) groups of eight values follow bit-packed.
 */
final class RleBitPackedDecoder {
    private final ByteCursor in = new ByteCursor();
    private int width;
    private int left;
    private boolean packed;
    private int repeated;
    private long packedBit;

    void reset(byte[] bytes, int from, int end, int width) {
        if (width < 0 || width > 32) {
            throw new TraceScanException("bit width " + width + " out of range");
        }
        in.reset(bytes, from, end);
        this.width = width;
        left = 0;
    }

    /** Reads from an array that holds BitReader.SLACK bytes past end (a page buffer). */
    void read(int[] out, int at, int count) {
        while (count > 0) {
            while (left == 0) {
                nextRun();
            }
            int n = Math.min(count, left);
            if (packed) {
                packedBit = BitReader.unpack(in.bytes, packedBit, width, out, at, n);
            } else {
                java.util.Arrays.fill(out, at, at + n, repeated);
            }
            at += n;
            count -= n;
            left -= n;
        }
    }

    private void nextRun() {
        if (in.position >= in.end) {
            throw new TraceScanException("RLE/bit-packed data ends before its values do");
        }
        int header = in.unsignedVarInt();
        if ((header & 1) == 1) {
            int groups = header >>> 1;
            packed = true;
            left = groups * 8;
            packedBit = (long) in.position * 8;
            long bytes = (long) groups * width;
            if (in.position + bytes > in.end) {
                // the last run may be cut short of its padding: only the values it holds can be read
                left = (int) Math.min(left, ((long) (in.end - in.position) * 8) / Math.max(width, 1));
                in.position = in.end;
            } else {
                in.position += (int) bytes;
            }
        } else {
            packed = false;
            left = header >>> 1;
            int value = 0;
            for (int b = 0; b < (width + 7) / 8; b++) {
                value |= in.unsignedByte() << (8 * b);
            }
            repeated = value;
        }
        if (left == 0 && !packed) {
            throw new TraceScanException("empty RLE/bit-packed run");
        }
    }
}
