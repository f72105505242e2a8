package org.tcprec.recorder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tcprec.recorder.wire.WireEvent;

/**
 * Puts wire records in time order. Records leave the ring in reservation order; their timestamps
 * are taken just after, so two CPUs can swap by a few microseconds. Holding 100 ms of events
 * sorts them with a wide margin. The records held are kept as they came from the ring, so that
 * a new journal can carry them over.
 */
final class SortingWindow {
    static final long REORDER_WINDOW_NS = 100_000_000L;
    private static final Comparator<Raw> BY_TIME = Comparator.comparingLong(Raw::ts);

    /** One wire record as the ring gave it. */
    record Raw(long ts, byte[] bytes) {}

    /** Where released records go, in time order. */
    interface Sink {
        void accept(byte[] record) throws java.io.IOException;
    }

    private final List<Raw> pending = new ArrayList<>();
    private long newest = Long.MIN_VALUE;

    /** Takes the whole records of a buffer (from its position to its limit). */
    void add(ByteBuffer records) {
        ByteBuffer b = records.duplicate().order(java.nio.ByteOrder.nativeOrder());
        for (int at = b.position(); at + WireEvent.SIZE <= b.limit(); at += WireEvent.SIZE) {
            byte[] bytes = new byte[WireEvent.SIZE];
            b.get(at, bytes);
            long ts = b.getLong(at + WireEvent.OFF_TS_BOOT_NS);
            pending.add(new Raw(ts, bytes));
            newest = Math.max(newest, ts);
        }
    }

    /** Releases the records no later one can sort before (TimSort: nearly linear here, and stable). */
    void releaseSettled(Sink sink) throws java.io.IOException {
        release(newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - REORDER_WINDOW_NS, sink);
    }

    /** Releases every record held: nothing more will come. */
    void releaseAll(Sink sink) throws java.io.IOException {
        release(Long.MAX_VALUE, sink);
    }

    private void release(long upTo, Sink sink) throws java.io.IOException {
        pending.sort(BY_TIME);
        int n = 0;
        while (n < pending.size() && pending.get(n).ts() <= upTo) {
            sink.accept(pending.get(n++).bytes());
        }
        pending.subList(0, n).clear();
    }

    /** The records held, in the order they are in, concatenated. */
    byte[] heldRecords() {
        byte[] out = new byte[pending.size() * WireEvent.SIZE];
        for (int i = 0; i < pending.size(); i++) {
            System.arraycopy(pending.get(i).bytes(), 0, out, i * WireEvent.SIZE, WireEvent.SIZE);
        }
        return out;
    }
}
