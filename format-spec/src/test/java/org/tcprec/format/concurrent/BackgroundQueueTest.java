package org.tcprec.format.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundQueueTest {
    @Test
    void aReaderHandsOverEveryItemInOrderAndStaysWithinItsCapacity() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        CountDownLatch blocked = new CountDownLatch(1);
        try (BackgroundQueue<Integer> q = BackgroundQueue.reading("test-reader", 3, out -> {
            for (int i = 0; i < 1000; i++) {
                out.put(i);
                produced.incrementAndGet();
                if (i == 10) {
                    blocked.countDown();
                }
            }
        })) {
            // before the caller takes anything, the producer gets at most capacity (+ the one it holds) ahead
            assertFalse(blocked.await(300, TimeUnit.MILLISECONDS));
            assertTrue(produced.get() <= 4, "produced " + produced.get());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, q.take());
            }
            assertNull(q.take());
            assertNull(q.take());
        }
    }

    @Test
    void aReadersFailureArrivesAfterTheItemsBeforeIt() throws Exception {
        try (BackgroundQueue<String> q = BackgroundQueue.reading("test-reader", 8, out -> {
            out.put("a");
            out.put("b");
            throw new IOException("page 3 is damaged");
        })) {
            assertEquals("a", q.take());
            assertEquals("b", q.take());
            IOException e = assertThrows(IOException.class, q::take);
            assertEquals("page 3 is damaged", e.getMessage());
            assertNull(q.take());
        }
        try (BackgroundQueue<String> q = BackgroundQueue.reading("test-reader", 1, out -> {
            throw new IllegalStateException("bad");
        })) {
            assertEquals(
                    "bad", assertThrows(IllegalStateException.class, q::take).getMessage());
        }
    }

    @Test
    void aReaderOverAPoolCirculatesItsBuffersAndHoldsTheCallersUntilTheNextTake() throws Exception {
        List<int[]> buffers = List.of(new int[1], new int[1], new int[1]);
        Set<int[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        try (BackgroundQueue<int[]> q = BackgroundQueue.reading("test-reader", new ArrayList<>(buffers), out -> {
            for (int i = 0; i < 100; i++) {
                int[] b = out.free();
                b[0] = i;
                out.put(b);
            }
        })) {
            for (int i = 0; i < 100; i++) {
                int[] b = q.take();
                seen.add(b);
                assertEquals(i, b[0]);
                // the producer cannot reuse the caller's buffer while it holds it
                Thread.sleep(i < 3 ? 50 : 0);
                assertEquals(i, b[0]);
            }
            assertNull(q.take());
        }
        assertEquals(3, seen.size());
        assertTrue(seen.containsAll(buffers));
    }

    @Test
    void closingAReaderStopsItsBlockedProducer() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        BackgroundQueue<Integer> q = BackgroundQueue.reading("test-reader", 1, out -> {
            try {
                for (int i = 0; ; i++) {
                    out.put(i);
                }
            } finally {
                stopped.countDown();
            }
        });
        assertEquals(0, q.take());
        q.close();
        assertTrue(stopped.await(0, TimeUnit.SECONDS));
        assertNull(q.take());
    }

    @Test
    void aWriterHandlesEveryItemInOrderBeforeFinishReturns() throws Exception {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        try (BackgroundQueue<Integer> q = BackgroundQueue.writing("test-writer", 2, written::add)) {
            for (int i = 0; i < 1000; i++) {
                q.put(i);
            }
            q.finish();
            assertEquals(1000, written.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, written.get(i));
            }
            assertThrows(IllegalStateException.class, () -> q.put(1));
        }
    }

    @Test
    void aWritersFailureReachesTheCallerAndNothingAfterItIsWrittenOrBlocks() throws Exception {
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        IOException full = new IOException("the disk is full");
        try (BackgroundQueue<Integer> q = BackgroundQueue.writing("test-writer", 1, item -> {
            if (item == 5) {
                throw full;
            }
            written.add(item);
        })) {
            IOException thrown = null;
            for (int i = 0; i < 10_000 && thrown == null; i++) {
                try {
                    q.put(i);
                } catch (IOException e) {
                    thrown = e;
                }
            }
            assertSame(full, thrown);
            assertSame(full, assertThrows(IOException.class, q::finish));
            assertEquals(List.of(0, 1, 2, 3, 4), written);
        }
    }

    @Test
    void aWriterOverAPoolGivesBackEachBufferOnceItIsWritten() throws Exception {
        List<StringBuilder> buffers = List.of(new StringBuilder(), new StringBuilder());
        StringBuilder all = new StringBuilder();
        try (BackgroundQueue<StringBuilder> q = BackgroundQueue.writing("test-writer", new ArrayList<>(buffers), b -> {
            all.append(b).append(';');
        })) {
            for (int i = 0; i < 50; i++) {
                StringBuilder b = q.free();
                assertTrue(buffers.stream().anyMatch(x -> x == b));
                b.setLength(0);
                b.append(i);
                q.put(b);
            }
            q.finish();
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            expected.append(i).append(';');
        }
        assertEquals(expected.toString(), all.toString());
    }
}
