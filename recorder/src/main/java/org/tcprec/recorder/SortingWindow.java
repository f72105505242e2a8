package org.tcprec.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tcprec.recorder.wire.WireEvent;

/**
 * Puts wire records in time order. Records leave the ring in reservation order; their timestamps
 * are taken just after, so two CPUs can swap by a few microseconds. Holding 100 ms of events
 * sorts them with a wide margin. The records held are kept as they came from the ring, so that
 * a new journal can carry them over.
 *
 * <p>The records sit in slots of one array, reused as records leave, and are sorted as a list of
 * slot numbers: the window holds tens of thousands of records at a busy host's rate, and an
 * object and an array for each had the collector copy them at every young collection.
 */
final class SortingWindow {
    static final long REORDER_WINDOW_NS = 100_000_000L;

    /** Where released records go, in time order: the record at {@code offset} of {@code records}. */
    interface Sink {
        void accept(ByteBuffer records, int offset) throws IOException;
    }

    /** The records held, one per slot of WireEvent.SIZE bytes. */
    private byte[] slots = new byte[0];

    private ByteBuffer view = ByteBuffer.wrap(slots).order(ByteOrder.nativeOrder());
    /** Each slot's record's time. */
    private long[] times = new long[0];
    /** The held records' slots: in time order up to {@link #sorted}, in arrival order after it. */
    private int[] order = new int[0];

    private int held;
    private int sorted;
    /** Slots no record holds, as a stack. */
    private int[] free = new int[0];

    private int freeCount;
    private int[] scratch = new int[0];
    private long newest = Long.MIN_VALUE;

    /** Takes the whole records of a buffer (from its position to its limit). */
    void add(ByteBuffer records) {
        ByteBuffer b = records.duplicate().order(ByteOrder.nativeOrder());
        int n = b.remaining() / WireEvent.SIZE;
        room(held + n);
        for (int i = 0, at = b.position(); i < n; i++, at += WireEvent.SIZE) {
            int slot = free[--freeCount];
            b.get(at, slots, slot * WireEvent.SIZE, WireEvent.SIZE);
            long ts = b.getLong(at + WireEvent.OFF_TS_BOOT_NS);
            times[slot] = ts;
            order[held++] = slot;
            newest = Math.max(newest, ts);
        }
    }

    /** Releases the records no later one can sort before. */
    void releaseSettled(Sink sink) throws IOException {
        release(newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - REORDER_WINDOW_NS, sink);
    }

    /** Releases every record held: nothing more will come. */
    void releaseAll(Sink sink) throws IOException {
        release(Long.MAX_VALUE, sink);
    }

    private void release(long upTo, Sink sink) throws IOException {
        sort();
        int n = 0;
        while (n < held && times[order[n]] <= upTo) {
            sink.accept(view, order[n] * WireEvent.SIZE);
            free[freeCount++] = order[n];
            n++;
        }
        System.arraycopy(order, n, order, 0, held - n);
        held -= n;
        sorted = held;
    }

    /** The records held, in time order (those added since the last release after them), concatenated. */
    byte[] heldRecords() {
        byte[] out = new byte[held * WireEvent.SIZE];
        for (int i = 0; i < held; i++) {
            System.arraycopy(slots, order[i] * WireEvent.SIZE, out, i * WireEvent.SIZE, WireEvent.SIZE);
        }
        return out;
    }

    /**
     * Sorts the held records by time, stably: the records added since the last release are
     * sorted by a merge sort (whatever their order, n log n), then merged with those held
     * before, which are sorted already.
     */
    private void sort() {
        if (sorted == held) {
            return;
        }
        scratch = scratch.length >= held ? scratch : new int[order.length];
        mergeSort(sorted, held);
        merge(0, sorted, held);
        sorted = held;
    }

    /** Sorts order[from, to) by time, stably (bottom-up: runs of 1, 2, 4... merged in turn). */
    private void mergeSort(int from, int to) {
        for (int width = 1; width < to - from; width *= 2) {
            for (int lo = from; lo < to - width; lo += 2 * width) {
                merge(lo, lo + width, Math.min(lo + 2 * width, to));
            }
        }
    }

    /** Merges the sorted runs order[lo, mid) and order[mid, hi); on equal times the first run's go first. */
    private void merge(int lo, int mid, int hi) {
        if (lo == mid || mid == hi || times[order[mid - 1]] <= times[order[mid]]) {
            return; // already in order: the common case, records arrive nearly sorted
        }
        System.arraycopy(order, lo, scratch, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || (i < mid && times[scratch[i]] <= times[scratch[j]])) {
                order[k] = scratch[i++];
            } else {
                order[k] = scratch[j++];
            }
        }
    }

    /** Grows the arrays to hold this many records, the new slots free. */
    private void room(int records) {
        if (records <= times.length) {
            return;
        }
        int capacity = Math.max(records, Math.max(1024, times.length * 2));
        int old = times.length;
        slots = Arrays.copyOf(slots, Math.multiplyExact(capacity, WireEvent.SIZE));
        view = ByteBuffer.wrap(slots).order(ByteOrder.nativeOrder());
        times = Arrays.copyOf(times, capacity);
        order = Arrays.copyOf(order, capacity);
        free = Arrays.copyOf(free, capacity);
        for (int slot = capacity - 1; slot >= old; slot--) {
            free[freeCount++] = slot;
        }
    }
}
