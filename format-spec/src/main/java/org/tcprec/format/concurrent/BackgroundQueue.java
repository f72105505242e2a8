package org.tcprec.format.concurrent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded queue with a thread of its own at one end and the caller at the other: the thread
 * either produces the items the caller takes (a reader working ahead, {@link #reading}) or
 * consumes the items the caller puts (a writer working behind, {@link #writing}).
 *
 * <p>What the thread throws reaches the caller once: a reading queue's {@link #take} hands over
 * the items produced before the failure, then throws it; a writing queue's {@link #put} and
 * {@link #finish} throw it, and the thread drops whatever is put afterwards, so a caller is never
 * left blocked on a full queue. {@link #close} stops the thread (by interrupting it) and waits for
 * it, whether the work ended, failed or was abandoned.
 *
 * <p>With a pool of buffers the items circulate instead of being allocated: the producing side
 * takes an empty one with {@link Sink#free} or {@link #free}, and an item goes back to the pool
 * once the consuming side is done with it (a reading queue's item at the caller's next
 * {@link #take}, a writing queue's when the consumer returns). The pool's size bounds the items
 * in flight.
 */
public final class BackgroundQueue<T> implements AutoCloseable {
    /** The work of a reading queue's thread: puts items until there are no more, then returns. */
    @FunctionalInterface
    public interface Producer<T> {
        void produce(Sink<T> out) throws IOException, InterruptedException;
    }

    /** Where a producer puts its items. */
    public interface Sink<T> {
        /** Hands an item over, waiting while the queue is full. */
        void put(T item) throws InterruptedException;

        /** An empty buffer from the pool, waiting until the caller gives one back. */
        T free() throws InterruptedException;
    }

    /** The work of a writing queue's thread, item by item. */
    @FunctionalInterface
    public interface Consumer<T> {
        void accept(T item) throws IOException;
    }

    /** An item, or (these two instances) the end of the items and the producer's failure. */
    private record Entry<T>(T item) {}

    private final Entry<T> end = new Entry<>(null);
    private final Entry<T> failed = new Entry<>(null);
    private final BlockingQueue<Entry<T>> queue;
    private final BlockingQueue<T> pool;
    private final boolean reading;
    private Thread thread;
    private volatile Throwable failure;
    private T current;
    private boolean ended;

    private BackgroundQueue(int capacity, List<T> buffers, boolean reading) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        // one place more than the items, for the end or the failure
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.pool = buffers == null ? null : new ArrayBlockingQueue<>(Math.max(1, buffers.size()), false, buffers);
        this.reading = reading;
    }

    private BackgroundQueue<T> start(String name, Runnable work) {
        thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** A thread running the producer, at most capacity items ahead of the caller. */
    public static <T> BackgroundQueue<T> reading(String threadName, int capacity, Producer<T> producer) {
        return startReading(threadName, capacity, null, producer);
    }

    /** A thread running the producer over these buffers, which circulate between it and the caller. */
    public static <T> BackgroundQueue<T> reading(String threadName, List<T> buffers, Producer<T> producer) {
        return startReading(threadName, buffers.size(), buffers, producer);
    }

    /** A thread handing what the caller puts to the consumer, at most capacity items behind. */
    public static <T> BackgroundQueue<T> writing(String threadName, int capacity, Consumer<T> consumer) {
        return startWriting(threadName, capacity, null, consumer);
    }

    /** A thread handing what the caller puts to the consumer; the caller fills these buffers, taken with {@link #free}. */
    public static <T> BackgroundQueue<T> writing(String threadName, List<T> buffers, Consumer<T> consumer) {
        return startWriting(threadName, buffers.size(), buffers, consumer);
    }

    private static <T> BackgroundQueue<T> startReading(
            String name, int capacity, List<T> buffers, Producer<T> producer) {
        BackgroundQueue<T> q = new BackgroundQueue<>(capacity, buffers, true);
        return q.start(name, () -> q.produce(producer));
    }

    private static <T> BackgroundQueue<T> startWriting(
            String name, int capacity, List<T> buffers, Consumer<T> consumer) {
        BackgroundQueue<T> q = new BackgroundQueue<>(capacity, buffers, false);
        return q.start(name, () -> q.consume(consumer));
    }

    private void produce(Producer<T> producer) {
        Sink<T> sink = new Sink<>() {
            @Override
            public void put(T item) throws InterruptedException {
                queue.put(new Entry<>(item));
            }

            @Override
            public T free() throws InterruptedException {
                return takeFree();
            }
        };
        try {
            producer.produce(sink);
            queue.put(end);
        } catch (InterruptedException e) {
            // closed by the caller: nobody is waiting for more
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            try {
                queue.put(failed);
            } catch (InterruptedException closed) {
                // closed by the caller meanwhile
            }
        }
    }

    private void consume(Consumer<T> consumer) {
        while (true) {
            Entry<T> entry;
            try {
                entry = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (entry == end) {
                return;
            }
            T value = entry.item();
            if (failure == null) {
                try {
                    consumer.accept(value);
                } catch (IOException | RuntimeException | Error e) {
                    failure = e;
                }
            }
            if (pool != null) {
                pool.offer(value);
            }
        }
    }

    private T takeFree() throws InterruptedException {
        if (pool == null) {
            throw new IllegalStateException("a queue without a pool of buffers");
        }
        return pool.take();
    }

    /**
     * The reading queue's next item, waiting for it; null once the producer is done. An item from
     * a pool stays the caller's until this is called again.
     *
     * @throws IOException or the runtime exception the producer failed with, after the items before it
     */
    public T take() throws IOException {
        if (!reading) {
            throw new IllegalStateException("take() on a writing queue");
        }
        if (ended) {
            return null;
        }
        if (current != null && pool != null) {
            pool.offer(current);
        }
        current = null;
        Entry<T> entry;
        try {
            entry = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
        }
        if (entry == end) {
            ended = true;
            return null;
        }
        if (entry == failed) {
            ended = true;
            throw rethrown();
        }
        current = entry.item();
        return current;
    }

    /** An empty buffer from a writing queue's pool, waiting until the consumer is done with one. */
    public T free() throws IOException {
        if (failure != null) {
            throw rethrown();
        }
        try {
            return takeFree();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
        }
    }

    /**
     * Hands an item to a writing queue's consumer, waiting while the queue is full.
     *
     * @throws IOException or the runtime exception the consumer failed with on an earlier item
     */
    public void put(T item) throws IOException {
        if (reading || ended) {
            throw new IllegalStateException(reading ? "put() on a reading queue" : "put() after finish()");
        }
        if (failure != null) {
            throw rethrown();
        }
        try {
            queue.put(new Entry<>(item));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
        }
    }

    /**
     * Waits until a writing queue's consumer has handled every item put.
     *
     * @throws IOException or the runtime exception the consumer failed with
     */
    public void finish() throws IOException {
        if (reading) {
            throw new IllegalStateException("finish() on a reading queue");
        }
        if (!ended) {
            ended = true;
            try {
                queue.put(end);
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
            }
        }
        if (failure != null) {
            throw rethrown();
        }
    }

    private IOException rethrown() {
        Throwable e = failure;
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return (IOException) e;
    }

    /** Stops the thread, wherever its work is, and waits for it to end. */
    @Override
    public void close() {
        ended = true;
        thread.interrupt();
        ThreadEnd.await(thread);
    }
}
