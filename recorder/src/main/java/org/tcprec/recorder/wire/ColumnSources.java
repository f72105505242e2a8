package org.tcprec.recorder.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each trace column of an event comes from, as the BPF programs in bpf/ read it: which
 * tracepoint fields (any one of them, for columns a kernel's layouts spell differently), or which
 * other source. `tcprec list` prints it against the running kernel's tracepoint formats, and the
 * kernel compatibility table against those stored in traces.
 */
public final class ColumnSources {
    /**
     * One column of one event. {@code fields}: the tracepoint fields it is read from, any one of
     * which suffices; empty when it does not come from the tracepoint. {@code other}: the source
     * when no field is ({@code fields} empty), or the fallback when none of the fields exists.
     * {@code optional}: the programs check that the field exists (CO-RE) and leave the column
     * null on a kernel without it; the other fields they read must exist for the program to load.
     */
    public record Source(String column, List<String> fields, String other, boolean optional) {
        public boolean fromTracepoint() {
            return !fields.isEmpty();
        }
    }

    private static final List<Source> COMMON = List.of(
            other("time", "bpf_ktime_get_boot_ns() + the recording's realtime offset"),
            other("cpu", "bpf_get_smp_processor_id()"),
            other("tgid", "the current task"),
            other("tid", "the current task"),
            other("comm", "the current task"),
            other("netns", "the socket: skc_net->ns.inum (tcp_send_reset without one: the packet's device)"),
            other("cgroup_id", "the socket: sk_cgrp_data's cgroup kernfs id"));

    private static final Map<EventType, List<Source>> BY_EVENT = new LinkedHashMap<>();

    static {
        // 5.10's tcp: tracepoints have no family field (inet_sock_set_state has): the socket's then
        Source socketFamily = optional("family", "the socket: skc_family", "family");
        List<Source> tuple = List.of(
                socketFamily,
                field("laddr", "saddr", "saddr_v6"),
                field("lport", "sport"),
                field("raddr", "daddr", "daddr_v6"),
                field("rport", "dport"));
        put(
                EventType.INET_SOCK_SET_STATE,
                List.of(field("skaddr", "skaddr")),
                List.of(field("family", "family"), tuple.get(1), tuple.get(2), tuple.get(3), tuple.get(4)),
                List.of(
                        field("oldstate", "oldstate"),
                        field("newstate", "newstate"),
                        field("protocol", "protocol"),
                        other("bytes_acked", "the socket: tcp_sock.bytes_acked"),
                        other("bytes_received", "the socket: tcp_sock.bytes_received")));
        List<Source> cookie = List.of(optional("sock_cookie", null, "sock_cookie"));
        put(EventType.TCP_DESTROY_SOCK, List.of(field("skaddr", "skaddr")), tuple, cookie);
        put(EventType.TCP_RECEIVE_RESET, List.of(field("skaddr", "skaddr")), tuple, cookie);
        put(
                EventType.TCP_PROBE,
                List.of(optional(
                        "skaddr",
                        "the socket tcp_rcv_established was called with (fentry), when its ports agree",
                        "skaddr")),
                List.of(
                        optional("family", "saddr's sa_family (a sockaddr)", "family"),
                        field("laddr", "saddr"),
                        field("lport", "sport"),
                        field("raddr", "daddr"),
                        field("rport", "dport")),
                List.of(
                        field("mark", "mark"),
                        field("data_len", "data_len"),
                        field("snd_nxt", "snd_nxt"),
                        field("snd_una", "snd_una"),
                        field("snd_cwnd", "snd_cwnd"),
                        field("ssthresh", "ssthresh"),
                        field("snd_wnd", "snd_wnd"),
                        field("srtt_us", "srtt"),
                        field("rcv_wnd", "rcv_wnd"),
                        optional("sock_cookie", null, "sock_cookie"),
                        optional("skbaddr", null, "skbaddr")));
        put(
                EventType.TCP_RETRANSMIT_SKB,
                List.of(field("skaddr", "skaddr"), field("skbaddr", "skbaddr"), field("state", "state")),
                tuple,
                List.of(optional("err", null, "err")));
        put(EventType.TCP_RETRANSMIT_SYNACK, List.of(field("skaddr", "skaddr"), field("req", "req")), tuple, List.of());
        // From 6.10 on the addresses are sockaddrs that also hold the family and the ports.
        put(
                EventType.TCP_SEND_RESET,
                List.of(field("skaddr", "skaddr"), field("skbaddr", "skbaddr"), field("state", "state")),
                List.of(
                        optional("family", "the socket: skc_family", "family", "saddr"),
                        field("laddr", "saddr", "saddr_v6"),
                        field("lport", "sport", "saddr"),
                        field("raddr", "daddr", "daddr_v6"),
                        field("rport", "dport", "daddr")),
                List.of(optional("reason", null, "reason")));
    }

    private ColumnSources() {}

    /** The columns every event fills alike, from outside its tracepoint. */
    public static List<Source> common() {
        return COMMON;
    }

    /** The columns an event fills, in trace column order within each group: common, identity, tuple, own fields. */
    public static List<Source> of(EventType type) {
        return BY_EVENT.get(type);
    }

    private static void put(EventType type, List<Source> identity, List<Source> tuple, List<Source> own) {
        List<Source> all = new ArrayList<>(COMMON);
        all.addAll(identity);
        all.addAll(tuple);
        all.addAll(own);
        BY_EVENT.put(type, List.copyOf(all));
    }

    private static Source field(String column, String... fields) {
        return new Source(column, List.of(fields), null, false);
    }

    private static Source optional(String column, String fallback, String... fields) {
        return new Source(column, List.of(fields), fallback, true);
    }

    private static Source other(String column, String source) {
        return new Source(column, List.of(), source, false);
    }
}
