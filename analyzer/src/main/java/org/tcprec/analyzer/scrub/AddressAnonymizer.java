package org.tcprec.analyzer.scrub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import org.tcprec.format.IpAddresses;

/**
 * Keyed, prefix-preserving address anonymisation after Crypto-PAn (Xu, Fan, Ammar, Moon 2002):
 * bit i of the output is bit i of the input XOR a pseudo-random function of the first i input
 * bits. Two addresses that share their first k bits therefore share exactly their first k bits
 * after mapping, and the mapping is a bijection. The PRF here is HMAC-SHA256 under a subkey.
 *
 * <p>Special-purpose ranges (loopback, private, link-local, documentation, multicast...) must stay
 * recognisable, and public addresses must stay public. Crypto-PAn's mapping is a permutation of a
 * binary trie that swaps the two subtrees under some nodes; it maps a range onto itself exactly
 * when no node above that range swaps. So this mapping never swaps at a node that lies above a
 * special-purpose range ("pinned"): every pinned range maps onto itself, and an address outside
 * all of them leaves the pinned nodes' paths at some depth into a subtree free of pinned ranges,
 * where it stays. The price is that a public address keeps its leading bits up to where its
 * branch separates from the special ranges' branches (for most IPv4 addresses the first 3 to 8).
 *
 * <p>IPv4-mapped IPv6 (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses carry their IPv4
 * address through the IPv4 mapping, so a dual-stack socket's address correlates with the same
 * host seen over plain IPv4. Not thread-safe.
 */
public final class AddressAnonymizer {
    private record Prefix(byte[] bits, int length) {}

    private static final List<String> V4_RANGES = List.of(
            "0.0.0.0/8",
            "0.0.0.0/32",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "224.0.0.0/4",
            "240.0.0.0/4",
            "255.255.255.255/32");

    private static final List<String> V6_RANGES = List.of(
            "::/128",
            "::1/128",
            "::ffff:0:0/96",
            "64:ff9b::/96",
            "100::/64",
            "2000::/3",
            "2001::/23",
            "2001:db8::/32",
            "2002::/16",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8");

    private static final List<Prefix> V4_PINNED = prefixes(V4_RANGES);
    private static final List<Prefix> V6_PINNED = prefixes(V6_RANGES);

    /** The special-purpose ranges, as text, for the scrubbed file's metadata and the tests. */
    public static final List<String> KEPT_RANGES =
            Stream.concat(V4_RANGES.stream(), V6_RANGES.stream()).toList();

    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final Mac v4;
    private final Mac v6;
    private final Map<String, String> cache = new HashMap<>();

    public AddressAnonymizer(ScrubKey key) {
        this.v4 = ScrubKey.mac(key.subkey("tcprec scrub ipv4 prefix"));
        this.v6 = ScrubKey.mac(key.subkey("tcprec scrub ipv6 prefix"));
    }

    /** Maps an address in the trace's text form (dotted quad or RFC 5952) to the same form. */
    public String anonymize(String text) {
        String cached = cache.get(text);
        if (cached != null) {
            return cached;
        }
        byte[] address = parse(text);
        String result = address.length == 4
                ? IpAddresses.format(IpAddresses.AF_INET, anonymize(address), 0)
                : IpAddresses.format(IpAddresses.AF_INET6, anonymize(address), 0);
        cache.put(text, result);
        return result;
    }

    /** Maps 4 (IPv4) or 16 (IPv6) address bytes. */
    public byte[] anonymize(byte[] address) {
        if (address.length == 4) {
            return permute(address, V4_PINNED, v4);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        }
        if (startsWith(address, V4_MAPPED_PREFIX) || startsWith(address, NAT64_PREFIX)) {
            byte[] out = address.clone();
            byte[] embedded = permute(Arrays.copyOfRange(address, 12, 16), V4_PINNED, v4);
            System.arraycopy(embedded, 0, out, 12, 4);
            return out;
        }
        return permute(address, V6_PINNED, v6);
    }

    private static byte[] permute(byte[] in, List<Prefix> pinned, Mac prf) {
        byte[] out = in.clone();
        byte[] prefix = new byte[in.length];
        int bits = in.length * 8;
        for (int i = 0; i < bits; i++) {
            if (!abovePinned(in, i, pinned) && prfBit(prf, in, i, prefix)) {
                out[i / 8] ^= (byte) (0x80 >>> (i % 8));
            }
        }
        return out;
    }

    /** Whether the node of {@code in}'s first {@code depth} bits lies above a pinned range. */
    private static boolean abovePinned(byte[] in, int depth, List<Prefix> pinned) {
        for (Prefix p : pinned) {
            if (p.length > depth && commonPrefixBits(in, p.bits) >= depth) {
                return true;
            }
        }
        return false;
    }

    /** The PRF of the node: HMAC over (depth, the first depth bits, rest zero). */
    private static boolean prfBit(Mac prf, byte[] in, int depth, byte[] scratch) {
        int whole = depth / 8;
        System.arraycopy(in, 0, scratch, 0, whole);
        int used = whole;
        if (depth % 8 != 0) {
            scratch[whole] = (byte) (in[whole] & (0xff << (8 - depth % 8)));
            used++;
        }
        prf.update((byte) depth);
        prf.update(scratch, 0, used);
        return (prf.doFinal()[0] & 1) == 1;
    }

    public static int commonPrefixBits(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int x = (a[i] ^ b[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return n * 8;
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The special-purpose range an address falls in (the most specific), or null for a public address. */
    public static String rangeOf(byte[] address) {
        List<Prefix> pinned = address.length == 4 ? V4_PINNED : V6_PINNED;
        Prefix best = null;
        for (Prefix p : pinned) {
            if (commonPrefixBits(address, p.bits) >= p.length && (best == null || p.length > best.length)) {
                best = p;
            }
        }
        if (best == null) {
            return null;
        }
        return IpAddresses.format(best.bits.length == 4 ? IpAddresses.AF_INET : IpAddresses.AF_INET6, best.bits, 0)
                + "/" + best.length;
    }

    private static List<Prefix> prefixes(List<String> cidrs) {
        List<Prefix> list = new ArrayList<>();
        for (String cidr : cidrs) {
            int slash = cidr.indexOf('/');
            list.add(new Prefix(parse(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1))));
        }
        return List.copyOf(list);
    }

    /**
     * Parses the address text the recorder writes; anything else is refused rather than passed
     * through, since text we cannot parse we cannot anonymise.
     */
    public static byte[] parse(String text) {
        if (text.indexOf(':') < 0) {
            return parseV4(text, text);
        }
        byte[] out = new byte[16];
        String head = text;
        String tail = "";
        int gap = text.indexOf("::");
        if (gap >= 0) {
            if (text.indexOf("::", gap + 1) >= 0) {
                throw bad(text);
            }
            head = text.substring(0, gap);
            tail = text.substring(gap + 2);
        }
        List<Integer> headGroups = groups(head, text, gap < 0);
        List<Integer> tailGroups = groups(tail, text, true);
        int total = headGroups.size() + tailGroups.size();
        if (gap < 0 ? total != 8 : total > 7) {
            throw bad(text);
        }
        int pos = 0;
        for (int g : headGroups) {
            out[pos++] = (byte) (g >>> 8);
            out[pos++] = (byte) g;
        }
        pos = 16 - 2 * tailGroups.size();
        for (int g : tailGroups) {
            out[pos++] = (byte) (g >>> 8);
            out[pos++] = (byte) g;
        }
        return out;
    }

    /** 16-bit groups of one side of "::"; a dotted quad may end the address (two groups). */
    private static List<Integer> groups(String part, String whole, boolean mayEndWithV4) {
        List<Integer> groups = new ArrayList<>();
        if (part.isEmpty()) {
            return groups;
        }
        String[] fields = part.split(":", -1);
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i];
            if (f.indexOf('.') >= 0 && i == fields.length - 1 && mayEndWithV4) {
                byte[] v4 = parseV4(f, whole);
                groups.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                groups.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (f.isEmpty() || f.length() > 4) {
                throw bad(whole);
            }
            try {
                groups.add(Integer.parseInt(f, 16));
            } catch (NumberFormatException e) {
                throw bad(whole);
            }
        }
        return groups;
    }

    private static byte[] parseV4(String text, String whole) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw bad(whole);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                throw bad(whole);
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                throw bad(whole);
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IP address: '" + text + "'");
    }
}
