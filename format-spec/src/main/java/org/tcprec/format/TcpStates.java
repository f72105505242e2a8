package org.tcprec.format;

/**
 * Names of the kernel's TCP states (include/net/tcp_states.h) as stored in the state columns:
 * without the TCP_ prefix, as bcc's tools print them. Unknown numbers become "STATE_n".
 */
public final class TcpStates {
    private static final String[] NAMES = {
        null,
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING",
        "NEW_SYN_RECV",
        "BOUND_INACTIVE"
    };

    private TcpStates() {}

    public static String name(int state) {
        if (state > 0 && state < NAMES.length) {
            return NAMES[state];
        }
        return "STATE_" + state;
    }
}
