package org.tcprec.analyzer.scrub;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;

/**
 * The scrubbed stand-ins for names and ports. Derived from the key rather than numbered in order
 * of appearance, so that the same process name or host gets the same stand-in in every trace
 * scrubbed with the same key. Not thread-safe.
 */
final class Pseudonyms {
    private final Mac names;
    private final Map<String, String> comms = new HashMap<>();
    private final Map<String, String> taken = new HashMap<>();
    private final int[] ports;

    Pseudonyms(ScrubKey key) {
        this.names = ScrubKey.mac(key.subkey("tcprec scrub names"));
        this.ports = portPermutation(key.subkey("tcprec scrub ports"));
    }

    /** "comm-" and 8 hex digits: fits the kernel's 15-byte comm, like the name it replaces. */
    String comm(String comm) {
        String known = comms.get(comm);
        if (known != null) {
            return known;
        }
        String hex = tag("comm", comm);
        String pseudonym = "comm-" + hex.substring(0, 8);
        // Two names on one pseudonym would merge two processes in every report; 2^-32 per pair,
        // but a longer tag costs nothing when it happens.
        if (taken.containsKey(pseudonym) && !taken.get(pseudonym).equals(comm)) {
            pseudonym = "comm-" + hex.substring(0, 20);
        }
        taken.put(pseudonym, comm);
        comms.put(comm, pseudonym);
        return pseudonym;
    }

    int commCount() {
        return comms.size();
    }

    String hostname(String hostname) {
        return "host-" + tag("host", hostname).substring(0, 8);
    }

    /** A boot id of the same UUID shape, so that traces of one boot still share one. */
    String bootId(String bootId) {
        String h = tag("boot", bootId);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-"
                + "89ab".charAt(Character.digit(h.charAt(16), 16) & 3) + h.substring(17, 20) + "-"
                + h.substring(20, 32);
    }

    /**
     * A port's stand-in: a keyed shuffle within its class, so that 0 stays "no port", a privileged
     * port stays privileged (below 1024) and every other port stays above it.
     */
    int port(int port) {
        return port < 0 || port > 65535 ? port : ports[port];
    }

    private String tag(String kind, String value) {
        names.update(kind.getBytes(StandardCharsets.UTF_8));
        names.update((byte) 0);
        return HexFormat.of().formatHex(names.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static int[] portPermutation(byte[] subkey) {
        Mac mac = ScrubKey.mac(subkey);
        int[] table = new int[65536];
        for (int i = 0; i < table.length; i++) {
            table[i] = i;
        }
        shuffle(table, 1, 1024, mac);
        shuffle(table, 1024, 65536, mac);
        return table;
    }

    /** Fisher-Yates, each swap index drawn from the keyed HMAC of the position. */
    private static void shuffle(int[] table, int from, int to, Mac mac) {
        for (int i = to - 1; i > from; i--) {
            byte[] r = mac.doFinal(new byte[] {(byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
            long draw = 0;
            for (int b = 0; b < 8; b++) {
                draw = (draw << 8) | (r[b] & 0xff);
            }
            int j = from + (int) Long.remainderUnsigned(draw, i - from + 1);
            int t = table[i];
            table[i] = table[j];
            table[j] = t;
        }
    }
}
