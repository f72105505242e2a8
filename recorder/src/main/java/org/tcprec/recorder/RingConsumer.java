package org.tcprec.recorder;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.bpf.RingBufferReader;
import org.tcprec.recorder.wire.WireEvent;

/**
 * Copies records out of the ring into batches and does nothing else, so the ring drains at memory
 * speed. A batch is handed on when full or after {@link #FLUSH_INTERVAL_NS}; {@link #END} follows
 * the last one.
 */
final class RingConsumer implements Runnable {
    static final ByteBuffer END = ByteBuffer.allocate(0);
    private static final long FLUSH_INTERVAL_NS = 200_000_000L;

    private final BpfObject bpf;
    private final RingBufferReader ring;
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<ByteBuffer> full;
    private final BooleanSupplier stopping;
    private final AtomicLong consumed;

    RingConsumer(
            BpfObject bpf,
            RingBufferReader ring,
            BlockingQueue<ByteBuffer> free,
            BlockingQueue<ByteBuffer> full,
            BooleanSupplier stopping,
            AtomicLong consumed) {
        this.bpf = bpf;
        this.ring = ring;
        this.free = free;
        this.full = full;
        this.stopping = stopping;
        this.consumed = consumed;
    }

    @Override
    public void run() {
        ByteBuffer[] batch = {take(free)};
        long[] lastFlush = {System.nanoTime()};
        RingBufferReader.Sink sink = (data, offset, length) -> {
            if (length != WireEvent.SIZE) {
                return; // not a record of ours; cannot happen with the embedded object
            }
            if (batch[0].remaining() < length) {
                put(full, batch[0].flip());
                batch[0] = take(free);
                lastFlush[0] = System.nanoTime();
            }
            batch[0].put(batch[0].position(), data, offset, length);
            batch[0].position(batch[0].position() + length);
            consumed.incrementAndGet();
        };
        while (!stopping.getAsBoolean()) {
            if (ring.drain(sink) == 0) {
                ring.await(100);
            }
            long now = System.nanoTime();
            if (batch[0].position() > 0 && now - lastFlush[0] >= FLUSH_INTERVAL_NS) {
                put(full, batch[0].flip());
                batch[0] = take(free);
                lastFlush[0] = now;
            }
        }
        // Detach first so nothing new arrives, then take what the ring still holds.
        bpf.detachAll();
        while (ring.drain(sink) > 0) {
            // drain until empty
        }
        if (batch[0].position() > 0) {
            put(full, batch[0].flip());
        }
        put(full, END);
    }

    private static ByteBuffer take(BlockingQueue<ByteBuffer> queue) {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // the consumer never abandons a record it took from the ring
            }
        }
    }

    private static void put(BlockingQueue<ByteBuffer> queue, ByteBuffer buffer) {
        while (true) {
            try {
                queue.put(buffer);
                return;
            } catch (InterruptedException e) {
                // as above
            }
        }
    }
}
