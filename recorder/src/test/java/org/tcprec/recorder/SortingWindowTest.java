package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tcprec.recorder.wire.WireEvent;

/**
 * The sorting window against a stable sort of the same records done here: records come out in
 * time order, ties in the order they came in, none before the window has passed it, each whole,
 * and what a new journal carries over is exactly what is still held.
 */
class SortingWindowTest {
    /** A record of the window's size: its time at the time's offset, its arrival number after it, and filler. */
    private static byte[] record(long ts, int id) {
        ByteBuffer b = ByteBuffer.allocate(WireEvent.SIZE).order(ByteOrder.nativeOrder());
        b.putLong(WireEvent.OFF_TS_BOOT_NS, ts);
        b.putInt(WireEvent.OFF_TS_BOOT_NS + 8, id);
        for (int i = 12; i < WireEvent.SIZE; i++) {
            b.put(i, (byte) (id * 31 + i));
        }
        return b.array();
    }

    private static ByteBuffer batch(List<byte[]> records) {
        ByteBuffer b = ByteBuffer.allocate(records.size() * WireEvent.SIZE);
        records.forEach(b::put);
        return b.flip();
    }

    private static long ts(byte[] record) {
        return ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()).getLong(WireEvent.OFF_TS_BOOT_NS);
    }

    /** Collects what the window releases, checking that nothing comes out before its time. */
    private static final class Collected implements SortingWindow.Sink {
        final List<byte[]> out = new ArrayList<>();
        long bound = Long.MAX_VALUE;

        @Override
        public void accept(ByteBuffer records, int offset) {
            byte[] r = new byte[WireEvent.SIZE];
            records.get(offset, r);
            assertTrue(ts(r) <= bound, "released before the window passed it");
            out.add(r);
        }
    }

    private static void check(List<byte[]> in, Random random, int maxBatch) throws Exception {
        SortingWindow window = new SortingWindow();
        Collected sink = new Collected();
        long newest = Long.MIN_VALUE;
        for (int at = 0; at < in.size(); ) {
            int n = Math.min(in.size() - at, 1 + random.nextInt(maxBatch));
            List<byte[]> part = in.subList(at, at + n);
            window.add(batch(part));
            for (byte[] r : part) {
                newest = Math.max(newest, ts(r));
            }
            at += n;
            sink.bound = newest - SortingWindow.REORDER_WINDOW_NS;
            int before = sink.out.size();
            window.releaseSettled(sink);
            // what is held now is exactly what has not come out, in the order it will
            List<byte[]> rest = new ArrayList<>(in.subList(0, at));
            rest.sort(Comparator.comparingLong(SortingWindowTest::ts)); // stable
            rest = rest.subList(sink.out.size(), rest.size());
            assertArrayEquals(batch(rest).array(), window.heldRecords(), "held after " + at + " records");
            assertTrue(sink.out.size() >= before);
        }
        sink.bound = Long.MAX_VALUE;
        window.releaseAll(sink);
        List<byte[]> expected = new ArrayList<>(in);
        expected.sort(Comparator.comparingLong(SortingWindowTest::ts));
        assertEquals(expected.size(), sink.out.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), sink.out.get(i), "record " + i);
        }
        assertEquals(0, window.heldRecords().length);
    }

    @Test
    void recordsOfCpusThatSwapBySomeMicrosecondsComeOutInTimeOrder() throws Exception {
        Random random = new Random(1);
        List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            in.add(record(1_000_000_000L + i * 5_000L + random.nextInt(200_000), i));
        }
        check(in, random, 5000);
    }

    @Test
    void equalTimesKeepTheOrderTheyCameIn() throws Exception {
        Random random = new Random(2);
        List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            in.add(record(1_000_000_000L + (i / 1000) * 60_000_000L, i));
        }
        check(in, random, 700);
    }

    @Test
    void recordsInReverseOrderAreSortedWhole() throws Exception {
        Random random = new Random(3);
        List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            in.add(record(10_000_000_000L - i * 1_000L, i));
        }
        check(in, random, 100_000);
    }
}
