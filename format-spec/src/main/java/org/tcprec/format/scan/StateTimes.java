package org.tcprec.format.scan;

import java.util.Arrays;

/**
 * ns_in_oldstate as a 2.0 reader derives it (format-spec/README.md): on a state change, the
 * nanoseconds since the same lifetime's previous state change, none for a lifetime's first. Fed
 * every state change of a file in file order, it keeps the last change's time of each lifetime in
 * an array indexed by {@code life}: a 2.0 writer numbers lifetimes densely from 1 in the order
 * they start, so the array grows with the lifetimes seen, and no hash is kept over socket
 * addresses.
 */
public final class StateTimes {
    /** What {@link #next} returns for a lifetime's first state change. */
    public static final long FIRST = -1;

    private static final long NONE = Long.MIN_VALUE;

    /** The largest life a file of this many rows may hold: one lifetime per row at most. */
    private final long maxLife;

    private long[] lastChangeNs = new long[1 << 12];

    /** For a file of this many rows (every event, not just the state changes). */
    public StateTimes(long fileRows) {
        this.maxLife = Math.min(fileRows, Integer.MAX_VALUE - 8);
        Arrays.fill(lastChangeNs, NONE);
    }

    /**
     * This state change's time in the old state, or {@link #FIRST}; changes must come in file
     * order. A life outside 1 to the file's row count is no 2.0 writer's: IllegalArgumentException.
     */
    public long next(long life, long timeNs) {
        if (life < 1 || life > maxLife) {
            throw new IllegalArgumentException("a state change of life " + life + " in a file of " + maxLife
                    + " rows (lifetimes are numbered from 1, one at most per row)");
        }
        int at = (int) life;
        if (at >= lastChangeNs.length) {
            int old = lastChangeNs.length;
            lastChangeNs = Arrays.copyOf(lastChangeNs, (int) Math.min(maxLife + 1, Math.max(at + 1L, 2L * old)));
            Arrays.fill(lastChangeNs, old, lastChangeNs.length, NONE);
        }
        long previous = lastChangeNs[at];
        lastChangeNs[at] = timeNs;
        return previous == NONE ? FIRST : timeNs - previous;
    }
}
