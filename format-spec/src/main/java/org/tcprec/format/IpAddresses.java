package org.tcprec.format;

/** Text form of the address columns: dotted quad for IPv4, RFC 5952 for IPv6. */
public final class IpAddresses {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private IpAddresses() {}

    /** Formats the first 4 (AF_INET) or 16 (AF_INET6) bytes of {@code addr} at {@code offset}. */
    public static String format(int family, byte[] addr, int offset) {
        if (family == AF_INET6) {
            return formatV6(addr, offset);
        }
        return (addr[offset] & 0xff) + "." + (addr[offset + 1] & 0xff) + "." + (addr[offset + 2] & 0xff) + "."
                + (addr[offset + 3] & 0xff);
    }

    private static String formatV6(byte[] a, int offset) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[offset + 2 * i] & 0xff) << 8) | (a[offset + 2 * i + 1] & 0xff);
        }
        // IPv4-mapped (::ffff:a.b.c.d) keeps its dotted tail, as RFC 5952 section 5 recommends.
        boolean mapped = groups[0] == 0
                && groups[1] == 0
                && groups[2] == 0
                && groups[3] == 0
                && groups[4] == 0
                && groups[5] == 0xffff;
        if (mapped) {
            return "::ffff:" + (a[offset + 12] & 0xff) + "." + (a[offset + 13] & 0xff) + "." + (a[offset + 14] & 0xff)
                    + "." + (a[offset + 15] & 0xff);
        }
        // The longest run of two or more zero groups (the first one on ties) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
