package org.tcprec.recorder.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.tcprec.format.IpAddresses;

/**
 * The Java mirror of struct tcprec_event (bpf/tcprec.h): one ring-buffer record, decoded.
 * Unsigned kernel values are widened (u32 to long) so they read as the kernel meant them; the
 * addresses are already in their text form (format-spec/README.md).
 */
public record WireEvent(
        long tsBootNs,
        long skaddr,
        long skbaddr,
        long sockCookie,
        long cgroupId,
        long bytesAcked,
        long bytesReceived,
        long netns,
        int tgid,
        int tid,
        int cpu,
        int type,
        int present,
        String comm,
        String saddr,
        String daddr,
        int sport,
        int dport,
        int family,
        int protocol,
        int oldstate,
        int newstate,
        int err,
        int reason,
        long mark,
        long dataLen,
        long sndNxt,
        long sndUna,
        long sndCwnd,
        long ssthresh,
        long sndWnd,
        long srttUs,
        long rcvWnd) {

    /** sizeof(struct tcprec_event); WireLayoutTest checks every offset below against the object's BTF. */
    public static final int SIZE = 184;

    public static final int OFF_TS_BOOT_NS = 0;
    public static final int OFF_SKADDR = 8;
    public static final int OFF_SKBADDR = 16;
    public static final int OFF_SOCK_COOKIE = 24;
    public static final int OFF_CGROUP_ID = 32;
    public static final int OFF_BYTES_ACKED = 40;
    public static final int OFF_BYTES_RECEIVED = 48;
    public static final int OFF_NETNS = 56;
    public static final int OFF_TGID = 60;
    public static final int OFF_TID = 64;
    public static final int OFF_CPU = 68;
    public static final int OFF_TYPE = 70;
    public static final int OFF_PRESENT = 71;
    public static final int OFF_COMM = 72;
    public static final int OFF_SADDR = 88;
    public static final int OFF_DADDR = 104;
    public static final int OFF_SPORT = 120;
    public static final int OFF_DPORT = 122;
    public static final int OFF_FAMILY = 124;
    public static final int OFF_PROTOCOL = 126;
    public static final int OFF_OLDSTATE = 128;
    public static final int OFF_NEWSTATE = 132;
    public static final int OFF_ERR = 136;
    public static final int OFF_REASON = 140;
    public static final int OFF_MARK = 144;
    public static final int OFF_DATA_LEN = 148;
    public static final int OFF_SND_NXT = 152;
    public static final int OFF_SND_UNA = 156;
    public static final int OFF_SND_CWND = 160;
    public static final int OFF_SSTHRESH = 164;
    public static final int OFF_SND_WND = 168;
    public static final int OFF_SRTT_US = 172;
    public static final int OFF_RCV_WND = 176;

    /** enum tcprec_present bits. */
    public static final int HAS_ERR = 1;

    public static final int HAS_REASON = 1 << 1;
    public static final int HAS_COOKIE = 1 << 2;
    public static final int HAS_SOCK_BYTES = 1 << 3;
    public static final int HAS_SKADDR = 1 << 4;
    public static final int HAS_SOCK_INFO = 1 << 5;
    public static final int HAS_NETNS = 1 << 6;

    public boolean has(int bit) {
        return (present & bit) != 0;
    }

    /**
     * Decodes records. Holds caches for the strings that repeat across records, so use one
     * decoder per stream of records.
     */
    public static final class Decoder {
        private final StringCache comms = new StringCache();
        private final StringCache addresses = new StringCache();

        /** Decodes the record at {@code offset}; {@code b} must be in native byte order. */
        public WireEvent decode(ByteBuffer b, int offset) {
            int family = Short.toUnsignedInt(b.getShort(offset + OFF_FAMILY));
            return new WireEvent(
                    b.getLong(offset + OFF_TS_BOOT_NS),
                    b.getLong(offset + OFF_SKADDR),
                    b.getLong(offset + OFF_SKBADDR),
                    b.getLong(offset + OFF_SOCK_COOKIE),
                    b.getLong(offset + OFF_CGROUP_ID),
                    b.getLong(offset + OFF_BYTES_ACKED),
                    b.getLong(offset + OFF_BYTES_RECEIVED),
                    u32(b, offset + OFF_NETNS),
                    b.getInt(offset + OFF_TGID),
                    b.getInt(offset + OFF_TID),
                    Short.toUnsignedInt(b.getShort(offset + OFF_CPU)),
                    Byte.toUnsignedInt(b.get(offset + OFF_TYPE)),
                    Byte.toUnsignedInt(b.get(offset + OFF_PRESENT)),
                    comms.get(
                            b.getLong(offset + OFF_COMM),
                            b.getLong(offset + OFF_COMM + 8),
                            0,
                            () -> comm(b, offset + OFF_COMM)),
                    address(b, offset + OFF_SADDR, family),
                    address(b, offset + OFF_DADDR, family),
                    Short.toUnsignedInt(b.getShort(offset + OFF_SPORT)),
                    Short.toUnsignedInt(b.getShort(offset + OFF_DPORT)),
                    family,
                    Short.toUnsignedInt(b.getShort(offset + OFF_PROTOCOL)),
                    b.getInt(offset + OFF_OLDSTATE),
                    b.getInt(offset + OFF_NEWSTATE),
                    b.getInt(offset + OFF_ERR),
                    b.getInt(offset + OFF_REASON),
                    u32(b, offset + OFF_MARK),
                    u32(b, offset + OFF_DATA_LEN),
                    u32(b, offset + OFF_SND_NXT),
                    u32(b, offset + OFF_SND_UNA),
                    u32(b, offset + OFF_SND_CWND),
                    u32(b, offset + OFF_SSTHRESH),
                    u32(b, offset + OFF_SND_WND),
                    u32(b, offset + OFF_SRTT_US),
                    u32(b, offset + OFF_RCV_WND));
        }

        private String address(ByteBuffer b, int offset, int family) {
            return addresses.get(b.getLong(offset), b.getLong(offset + 8), family, () -> {
                byte[] raw = new byte[16];
                b.get(offset, raw);
                return IpAddresses.format(family, raw, 0);
            });
        }
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }

    private static String comm(ByteBuffer b, int offset) {
        int len = 0;
        while (len < 16 && b.get(offset + len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
