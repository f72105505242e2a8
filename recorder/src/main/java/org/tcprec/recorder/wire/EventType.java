package org.tcprec.recorder.wire;

import java.util.Optional;

/** enum tcprec_event_type of bpf/tcprec.h, with the tracepoint and the BPF program of each. */
public enum EventType {
    INET_SOCK_SET_STATE(1, "sock", "inet_sock_set_state"),
    TCP_DESTROY_SOCK(2, "tcp", "tcp_destroy_sock"),
    TCP_PROBE(3, "tcp", "tcp_probe"),
    TCP_RECEIVE_RESET(4, "tcp", "tcp_receive_reset"),
    TCP_RETRANSMIT_SKB(5, "tcp", "tcp_retransmit_skb"),
    TCP_RETRANSMIT_SYNACK(6, "tcp", "tcp_retransmit_synack"),
    TCP_SEND_RESET(7, "tcp", "tcp_send_reset");

    /** TCPREC_EV_TYPE_COUNT: the counters map has this many slots per counter kind. */
    public static final int SLOTS = 8;

    private static final EventType[] BY_ID = new EventType[SLOTS];

    static {
        for (EventType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final String category;
    private final String tracepoint;

    EventType(int id, String category, String tracepoint) {
        this.id = id;
        this.category = category;
        this.tracepoint = tracepoint;
    }

    public int id() {
        return id;
    }

    public String category() {
        return category;
    }

    /** The tracepoint's name, which is also the value of the trace's {@code event} column. */
    public String tracepoint() {
        return tracepoint;
    }

    /** "category:name", as perf and the kernel's documentation write it. */
    public String qualifiedName() {
        return category + ":" + tracepoint;
    }

    public String programName() {
        return "handle_" + tracepoint;
    }

    public static Optional<EventType> byId(int id) {
        return id > 0 && id < SLOTS ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    public static Optional<EventType> byName(String name) {
        for (EventType t : values()) {
            if (t.tracepoint.equals(name) || t.qualifiedName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
