package org.tcprec.cli.support;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Output held back until a check passes. What a command writes is kept in memory, up to a bound,
 * until {@link #release} runs the check (at the bound, at the first write after the check says
 * it is ready, or when the command calls it at its end); once the check has passed, the held
 * bytes and everything after go straight to the stream below.
 * A check that fails throws, and nothing held is ever written. A command whose input is checked
 * on another thread while it works prints this way, so that damaged input gives its one-line
 * error and no output.
 */
public final class HeldOutput extends OutputStream {
    /** Below half of a heap region of the smallest heaps, so that a chunk is an ordinary allocation. */
    private static final int CHUNK = 1 << 18;

    private final OutputStream below;
    private final long bound;
    private final Runnable check;
    private final BooleanSupplier ready;
    private final List<byte[]> chunks = new ArrayList<>();
    private int lastChunkUsed = CHUNK;
    private long held;
    private boolean released;
    private boolean failed;

    /**
     * Holds up to bound bytes for the stream below; check throws (unchecked) when the output must
     * not be written, and ready says when running it would not wait: held output costs memory
     * and a copy, so it is let go as soon as it may be.
     */
    public HeldOutput(OutputStream below, long bound, Runnable check, BooleanSupplier ready) {
        this.below = below;
        this.bound = bound;
        this.check = check;
        this.ready = ready;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!released && (held + len > bound || ready.getAsBoolean())) {
            release();
        }
        if (released) {
            below.write(b, off, len);
            return;
        }
        held += len;
        while (len > 0) {
            if (lastChunkUsed == CHUNK) {
                chunks.add(new byte[CHUNK]);
                lastChunkUsed = 0;
            }
            int n = Math.min(len, CHUNK - lastChunkUsed);
            System.arraycopy(b, off, chunks.get(chunks.size() - 1), lastChunkUsed, n);
            lastChunkUsed += n;
            off += n;
            len -= n;
        }
    }

    /** Runs the check, once; when it passes, writes what was held, and from then on writes through. */
    public void release() throws IOException {
        if (released) {
            return;
        }
        if (failed) {
            throw new IllegalStateException("the output's check failed");
        }
        try {
            check.run();
        } catch (RuntimeException | Error e) {
            failed = true;
            chunks.clear();
            throw e;
        }
        released = true;
        for (int i = 0; i < chunks.size(); i++) {
            below.write(chunks.get(i), 0, i == chunks.size() - 1 ? lastChunkUsed : CHUNK);
        }
        chunks.clear();
        below.flush();
    }

    /** Flushes the stream below once released; until then, held bytes stay held. */
    @Override
    public void flush() throws IOException {
        if (released) {
            below.flush();
        }
    }

    /** Flushes; the stream below stays open (it is usually standard output). */
    @Override
    public void close() throws IOException {
        flush();
    }
}
