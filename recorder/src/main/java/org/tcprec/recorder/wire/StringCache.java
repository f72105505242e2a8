package org.tcprec.recorder.wire;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Strings decoded from wire bytes that repeat from event to event (comm, addresses), keyed by
 * those bytes as up to three longs, so that each distinct value is decoded and allocated once.
 */
final class StringCache {
    private static final int MAX_ENTRIES = 1 << 16;

    private record Key(long a, long b, long c) {}

    private final Map<Key, String> strings = new HashMap<>();

    String get(long a, long b, long c, Supplier<String> decode) {
        Key key = new Key(a, b, c);
        String s = strings.get(key);
        if (s == null) {
            if (strings.size() >= MAX_ENTRIES) {
                strings.clear();
            }
            s = decode.get();
            strings.put(key, s);
        }
        return s;
    }
}
