package org.tcprec.format.scan;

/**
 * DELTA_BINARY_PACKED (INT32 and INT64): a header (block size, miniblocks per block, value
 * count, first value), then blocks of a minimum delta, one bit width per miniblock and the
 * miniblocks' deltas above that minimum, bit-packed. INT32 values wrap as 32-bit arithmetic
 * would; callers narrow them.
 */
final class DeltaBinaryPackedDecoder {
    private final ByteCursor in = new ByteCursor();
    private int perMiniblock;
    private int miniblocks;
    private int remaining;
    private long last;
    private boolean firstTaken;
    private long[] block = new long[0];
    private int blockAt;
    private int blockCount;
    private int[] widths = new int[0];

    void reset(byte[] bytes, int from, int end) {
        in.reset(bytes, from, end);
        int blockSize = in.unsignedVarInt();
        miniblocks = in.unsignedVarInt();
        if (miniblocks == 0 || blockSize % miniblocks != 0 || blockSize / miniblocks % 8 != 0) {
            throw new TraceScanException(
                    "bad DELTA_BINARY_PACKED block of " + blockSize + " in " + miniblocks + " miniblocks");
        }
        perMiniblock = blockSize / miniblocks;
        remaining = in.unsignedVarInt();
        last = in.zigzagVarLong();
        firstTaken = false;
        if (block.length < blockSize) {
            block = new long[blockSize];
        }
        if (widths.length < miniblocks) {
            widths = new int[miniblocks];
        }
        blockAt = 0;
        blockCount = 0;
    }

    /** Values not read yet: after {@link #reset}, the count in the header. */
    int remaining() {
        return remaining;
    }

    /** The byte after the blocks read so far: after the last value, where the encoding ends. */
    int position() {
        return in.position;
    }

    void read(long[] out, int at, int count) {
        if (count > remaining) {
            throw new TraceScanException("DELTA_BINARY_PACKED page holds fewer values than its page header says");
        }
        if (count > 0 && !firstTaken) {
            out[at++] = last;
            firstTaken = true;
            count--;
            remaining--;
        }
        while (count > 0) {
            if (blockAt == blockCount) {
                nextBlock();
            }
            int n = Math.min(count, blockCount - blockAt);
            System.arraycopy(block, blockAt, out, at, n);
            blockAt += n;
            at += n;
            count -= n;
            remaining -= n;
        }
    }

    /** Reads the next block's deltas and turns them into values. */
    private void nextBlock() {
        long minDelta = in.zigzagVarLong();
        for (int m = 0; m < miniblocks; m++) {
            widths[m] = in.unsignedByte();
        }
        // only the miniblocks holding the remaining values are stored
        int values = Math.min(remaining, perMiniblock * miniblocks);
        int stored = (values + perMiniblock - 1) / perMiniblock;
        long bit = (long) in.position * 8;
        for (int m = 0; m < stored; m++) {
            if (widths[m] > 64) {
                throw new TraceScanException("miniblock bit width " + widths[m]);
            }
            long end = bit + (long) widths[m] * perMiniblock;
            if ((end + 7) / 8 > in.end) {
                throw new TraceScanException("DELTA_BINARY_PACKED miniblock runs past the end of its page");
            }
            BitReader.unpack(in.bytes, bit, widths[m], block, m * perMiniblock, perMiniblock);
            bit = end;
        }
        in.position = (int) ((bit + 7) / 8);
        long v = last;
        for (int i = 0; i < values; i++) {
            v += minDelta + block[i];
            block[i] = v;
        }
        last = v;
        blockAt = 0;
        blockCount = values;
    }
}
