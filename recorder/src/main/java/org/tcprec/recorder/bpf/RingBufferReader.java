package org.tcprec.recorder.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Consumes a BPF ring buffer map straight from its memory mapping, without libbpf's callback per
 * record: a JNA upcall per event costs about half a microsecond, reading the mapping from Java a
 * few tens of nanoseconds.
 *
 * <p>The layout is the kernel's (kernel/bpf/ringbuf.c): page 0 holds the consumer position
 * (writable by us), page 1 the producer position, then the data area mapped twice in a row so a
 * record that wraps is contiguous. Each record starts with an 8-byte header whose first u32 is the
 * length with a BUSY bit (still being written) and a DISCARD bit. Positions are read with acquire
 * and written with release semantics, as libbpf's own consumer does.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** Receives each record in place; the bytes are only valid during the call. */
    public interface Sink {
        void accept(ByteBuffer data, int offset, int length);
    }

    private final int fd;
    private final long pageSize;
    private final long dataSize;
    private final Pointer consumerMapping;
    private final Pointer producerMapping;
    private final ByteBuffer consumerPage;
    private final ByteBuffer producerPage;
    private final ByteBuffer data;
    private final long mask;
    private final Memory pollFd = new Memory(8);

    public RingBufferReader(int mapFd, int ringBytes) throws BpfException {
        this.fd = mapFd;
        this.pageSize = LibC.INSTANCE.getpagesize();
        this.dataSize = ringBytes;
        this.mask = ringBytes - 1L;
        LibC c = LibC.INSTANCE;
        consumerMapping = c.mmap(
                null,
                new NativeLong(pageSize),
                LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_SHARED,
                fd,
                new NativeLong(0));
        if (LibC.MAP_FAILED.equals(consumerMapping)) {
            throw new BpfException(
                    "cannot map the ring buffer's consumer page: " + BpfObject.strerror(Native.getLastError()));
        }
        producerMapping = c.mmap(
                null,
                new NativeLong(pageSize + 2 * dataSize),
                LibC.PROT_READ,
                LibC.MAP_SHARED,
                fd,
                new NativeLong(pageSize));
        if (LibC.MAP_FAILED.equals(producerMapping)) {
            c.munmap(consumerMapping, new NativeLong(pageSize));
            throw new BpfException("cannot map the ring buffer's data: " + BpfObject.strerror(Native.getLastError()));
        }
        consumerPage = consumerMapping.getByteBuffer(0, pageSize);
        producerPage = producerMapping.getByteBuffer(0, pageSize);
        data = producerMapping.getByteBuffer(pageSize, 2 * dataSize).order(ByteOrder.nativeOrder());
        pollFd.setInt(0, fd);
    }

    /**
     * Hands every committed record to the sink and releases its space. Returns the number of
     * records consumed (discarded ones included).
     */
    public int drain(Sink sink) {
        long consumer = (long) LONG.getAcquire(consumerPage, 0);
        int records = 0;
        while (true) {
            long producer = (long) LONG.getAcquire(producerPage, 0);
            if (consumer >= producer) {
                return records;
            }
            while (consumer < producer) {
                int offset = (int) (consumer & mask);
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY) != 0) {
                    // The producer reserved this record and has not committed it yet.
                    LONG.setRelease(consumerPage, 0, consumer);
                    return records;
                }
                int length = header & ~(BUSY | DISCARD);
                if ((header & DISCARD) == 0) {
                    sink.accept(data, offset + HEADER, length);
                }
                consumer += (length + HEADER + 7) & ~7L;
                records++;
                // Release per record, so the producer can reuse space while we are still reading.
                LONG.setRelease(consumerPage, 0, consumer);
            }
        }
    }

    /** Sleeps until the kernel signals data (past the wakeup threshold) or the timeout passes. */
    public void await(int timeoutMillis) {
        pollFd.setShort(4, LibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        LibC.INSTANCE.poll(pollFd, new NativeLong(1), timeoutMillis);
    }

    @Override
    public void close() {
        LibC.INSTANCE.munmap(producerMapping, new NativeLong(pageSize + 2 * dataSize));
        LibC.INSTANCE.munmap(consumerMapping, new NativeLong(pageSize));
        pollFd.close();
    }
}
