package org.tcprec.analyzer.replay;

import java.util.Arrays;

/**
 * Interned byte strings: each distinct value gets a small id, so that a replay can keep a
 * command name or a state per socket as an int instead of a copy of its bytes. The values a
 * trace repeats (comm, state names) are few.
 */
final class ByteStrings {
    private byte[][] values = new byte[64][];
    private int[] table = new int[128]; // id + 1, 0 = empty
    private int count;

    /** The id of the bytes source[start, start + length), added when new. */
    int id(byte[] source, int start, int length) {
        int hash = 1;
        for (int i = start; i < start + length; i++) {
            hash = 31 * hash + source[i];
        }
        int mask = table.length - 1;
        for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                return add(slot, Arrays.copyOfRange(source, start, start + length));
            }
            byte[] value = values[entry - 1];
            if (Arrays.equals(value, 0, value.length, source, start, start + length)) {
                return entry - 1;
            }
        }
    }

    byte[] bytes(int id) {
        return values[id];
    }

    private int add(int slot, byte[] value) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count] = value;
        table[slot] = ++count;
        if (count * 2 > table.length) {
            rehash();
        }
        return count - 1;
    }

    private void rehash() {
        int[] bigger = new int[table.length * 2];
        int mask = bigger.length - 1;
        for (int id = 0; id < count; id++) {
            byte[] v = values[id];
            int hash = 1;
            for (byte b : v) {
                hash = 31 * hash + b;
            }
            int slot = mix(hash) & mask;
            while (bigger[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            bigger[slot] = id + 1;
        }
        table = bigger;
    }

    private static int mix(int h) {
        h *= 0x9e3779b9;
        return h ^ (h >>> 16);
    }
}
