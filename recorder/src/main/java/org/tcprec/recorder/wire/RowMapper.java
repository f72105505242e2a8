package org.tcprec.recorder.wire;

import org.tcprec.format.EventRow;
import org.tcprec.format.TcpStates;
import org.tcprec.recorder.host.ClockSample;

/**
 * Wire record to trace row: which tracepoint fills which column (format-spec/README.md), with
 * fields the running kernel's tracepoint did not carry left null rather than zero.
 */
public final class RowMapper {
    private final ClockSample anchor;

    public RowMapper(ClockSample anchor) {
        this.anchor = anchor;
    }

    public EventRow map(WireEvent w) {
        EventType type = EventType.byId(w.type())
                .orElseThrow(
                        () -> new IllegalArgumentException("unknown event type " + w.type() + " in a wire record"));
        boolean setState = type == EventType.INET_SOCK_SET_STATE;
        boolean probe = type == EventType.TCP_PROBE;
        boolean hasState = type == EventType.TCP_RETRANSMIT_SKB || type == EventType.TCP_SEND_RESET;
        boolean hasSkb = hasState || (probe && w.skbaddr() != 0);
        return new EventRow(
                anchor.realtimeOf(w.tsBootNs()),
                type.tracepoint(),
                w.cpu(),
                w.tgid(),
                w.tid(),
                w.comm(),
                w.has(WireEvent.HAS_SOCK_INFO) || w.has(WireEvent.HAS_NETNS) ? w.netns() : null,
                w.has(WireEvent.HAS_SOCK_INFO) ? w.cgroupId() : null,
                w.has(WireEvent.HAS_SKADDR) ? w.skaddr() : null,
                w.family(),
                w.saddr(),
                w.sport(),
                w.daddr(),
                w.dport(),
                setState ? TcpStates.name(w.oldstate()) : null,
                setState ? TcpStates.name(w.newstate()) : null,
                // a reset sent without a socket has no state (the tracepoint stores 0)
                hasState && w.has(WireEvent.HAS_SKADDR) ? TcpStates.name(w.oldstate()) : null,
                w.has(WireEvent.HAS_SOCK_BYTES) ? w.bytesAcked() : null,
                w.has(WireEvent.HAS_SOCK_BYTES) ? w.bytesReceived() : null,
                w.has(WireEvent.HAS_COOKIE) ? w.sockCookie() : null,
                hasSkb ? w.skbaddr() : null,
                type == EventType.TCP_RETRANSMIT_SYNACK ? w.skbaddr() : null,
                w.has(WireEvent.HAS_ERR) ? w.err() : null,
                w.has(WireEvent.HAS_REASON) ? w.reason() : null,
                probe ? w.mark() : null,
                probe ? (int) w.dataLen() : null,
                probe ? w.sndNxt() : null,
                probe ? w.sndUna() : null,
                probe ? w.sndCwnd() : null,
                probe ? w.ssthresh() : null,
                probe ? w.sndWnd() : null,
                probe ? w.srttUs() : null,
                probe ? w.rcvWnd() : null);
    }
}
