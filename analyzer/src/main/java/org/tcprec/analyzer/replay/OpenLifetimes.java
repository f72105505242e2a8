package org.tcprec.analyzer.replay;

/**
 * The lifetimes open at the moment, by socket address (linear probing, deletion by backward
 * shift): when each was first seen, its last start, and the processes the rules may pick.
 */
final class OpenLifetimes {
    static final long NONE = Long.MIN_VALUE;

    long[] keys;
    boolean[] used;
    int[] life;
    long[] firstNs;
    long[] startNs;
    int[] processTgid;
    int[] processComm; // -1: no SYN_SENT or LAST_ACK seen
    int[] taskTgid;
    int[] taskComm; // -1: no row with a task seen
    private int size;

    OpenLifetimes() {
        allocate(1 << 12);
    }

    /** A view of another table's arrays as they are now (grow reads the old ones through it). */
    private OpenLifetimes(OpenLifetimes table) {
        keys = table.keys;
        used = table.used;
        life = table.life;
        firstNs = table.firstNs;
        startNs = table.startNs;
        processTgid = table.processTgid;
        processComm = table.processComm;
        taskTgid = table.taskTgid;
        taskComm = table.taskComm;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        used = new boolean[capacity];
        life = new int[capacity];
        firstNs = new long[capacity];
        startNs = new long[capacity];
        processTgid = new int[capacity];
        processComm = new int[capacity];
        taskTgid = new int[capacity];
        taskComm = new int[capacity];
    }

    private int home(long key) {
        long h = key * 0x9e3779b97f4a7c15L;
        return (int) (h >>> 40) & (keys.length - 1);
    }

    /** The first unused slot of the key's probe run. */
    private int freeSlot(long key) {
        int mask = keys.length - 1;
        int slot = home(key);
        while (used[slot]) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    int find(long key) {
        int mask = keys.length - 1;
        for (int slot = home(key); used[slot]; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return slot;
            }
        }
        return -1;
    }

    /**
     * The slot of a new lifetime of the address: {@code found}, the slot {@link #find} gave
     * (an earlier lifetime still open there, replaced), or a new one when it gave -1.
     */
    int start(int found, long key, int lifetime, long ns) {
        int slot = found;
        if (slot < 0) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            slot = freeSlot(key);
            used[slot] = true;
            keys[slot] = key;
            size++;
        }
        life[slot] = lifetime;
        firstNs[slot] = ns;
        startNs[slot] = NONE;
        processComm[slot] = -1;
        taskComm[slot] = -1;
        return slot;
    }

    void remove(int slot) {
        int mask = keys.length - 1;
        used[slot] = false;
        size--;
        // move later entries of the probe run back into the hole, so that find still reaches them
        for (int next = (slot + 1) & mask; used[next]; next = (next + 1) & mask) {
            int home = home(keys[next]);
            boolean between = slot <= next ? slot < home && home <= next : slot < home || home <= next;
            if (!between) {
                move(next, slot);
                used[next] = false;
                used[slot] = true;
                slot = next;
            }
        }
    }

    private void move(int from, int to) {
        copy(this, from, to);
    }

    /** Slot {@code from} of the source into slot {@code to} of this table. */
    private void copy(OpenLifetimes source, int from, int to) {
        keys[to] = source.keys[from];
        life[to] = source.life[from];
        firstNs[to] = source.firstNs[from];
        startNs[to] = source.startNs[from];
        processTgid[to] = source.processTgid[from];
        processComm[to] = source.processComm[from];
        taskTgid[to] = source.taskTgid[from];
        taskComm[to] = source.taskComm[from];
    }

    private void grow() {
        OpenLifetimes old = new OpenLifetimes(this);
        allocate(old.keys.length * 2);
        for (int i = 0; i < old.keys.length; i++) {
            if (old.used[i]) {
                int slot = freeSlot(old.keys[i]);
                used[slot] = true;
                copy(old, i, slot);
            }
        }
    }
}
