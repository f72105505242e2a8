package org.tcprec.format.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForInteger;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/**
 * The scanner's decoders against Apache Parquet's own encoders: values encoded by parquet-java
 * come back the same, read in pieces of random sizes (a report's batch ends anywhere in a run).
 */
class EncodingDecodersTest {
    private final Random random = new Random(20261201);

    @Test
    void rleBitPackedHybridAtEveryWidth() throws Exception {
        for (int width = 0; width <= 32; width++) {
            for (int count : new int[] {1, 7, 8, 9, 100, 5000}) {
                int[] values = new int[count];
                long bound = 1L << width;
                for (int i = 0; i < count; i++) {
                    // runs (RLE) and noise (bit-packed) mixed, as levels and dictionary indexes come
                    values[i] = i > 0 && random.nextInt(3) == 0
                            ? values[i - 1]
                            : (int) (width == 0 ? 0 : (random.nextLong() & Long.MAX_VALUE) % bound);
                    if (i % 500 < 40) {
                        values[i] = (int) (bound - 1);
                    }
                }
                RunLengthBitPackingHybridEncoder encoder =
                        new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, HeapByteBufferAllocator.getInstance());
                for (int v : values) {
                    encoder.writeInt(v);
                }
                byte[] encoded = encoder.toBytes().toByteArray();
                // as in a page buffer: slack past the data
                byte[] bytes = java.util.Arrays.copyOf(encoded, encoded.length + BitReader.SLACK);
                RleBitPackedDecoder decoder = new RleBitPackedDecoder();
                decoder.reset(bytes, 0, encoded.length, width);
                int[] decoded = new int[count];
                for (int at = 0; at < count; ) {
                    int n = Math.min(count - at, 1 + random.nextInt(50));
                    decoder.read(decoded, at, n);
                    at += n;
                }
                assertArrayEquals(values, decoded, "width " + width + ", " + count + " values");
            }
        }
    }

    @Test
    void deltaBinaryPackedLongs() throws Exception {
        long now = 1_764_000_000_000_000_000L;
        long[][] cases = {
            {},
            {42},
            {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE},
            series(1000, i -> now + i * 1_000L + random.nextInt(1000)), // times
            series(129, i -> random.nextLong()), // full-range noise: 64-bit deltas
            series(3000, i -> i % 7 == 0 ? -i : i), // small, sign-changing
            series(128, i -> 5), // constant: width 0 miniblocks
        };
        for (long[] values : cases) {
            DeltaBinaryPackingValuesWriterForLong writer =
                    new DeltaBinaryPackingValuesWriterForLong(128, 1 << 20, HeapByteBufferAllocator.getInstance());
            for (long v : values) {
                writer.writeLong(v);
            }
            byte[] bytes = writer.getBytes().toByteArray();
            DeltaBinaryPackedDecoder decoder = new DeltaBinaryPackedDecoder();
            decoder.reset(bytes, 0, bytes.length);
            assertEquals(values.length, decoder.remaining());
            long[] decoded = new long[values.length];
            for (int at = 0; at < values.length; ) {
                int n = Math.min(values.length - at, 1 + random.nextInt(300));
                decoder.read(decoded, at, n);
                at += n;
            }
            assertArrayEquals(values, decoded);
            assertEquals(bytes.length, decoder.position(), "the encoding's end is where its last block ends");
        }
    }

    @Test
    void deltaBinaryPackedIntsWrapAs32Bits() throws Exception {
        int[] values = new int[2000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 == 0 ? Integer.MIN_VALUE + i : i % 3 == 1 ? Integer.MAX_VALUE - i : random.nextInt();
        }
        DeltaBinaryPackingValuesWriterForInteger writer =
                new DeltaBinaryPackingValuesWriterForInteger(128, 1 << 20, HeapByteBufferAllocator.getInstance());
        for (int v : values) {
            writer.writeInteger(v);
        }
        byte[] bytes = writer.getBytes().toByteArray();
        DeltaBinaryPackedDecoder decoder = new DeltaBinaryPackedDecoder();
        decoder.reset(bytes, 0, bytes.length);
        long[] decoded = new long[values.length];
        decoder.read(decoded, 0, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], (int) decoded[i], "value " + i);
        }
    }

    private static long[] series(int n, java.util.function.IntToLongFunction f) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsLong(i);
        }
        return out;
    }
}
