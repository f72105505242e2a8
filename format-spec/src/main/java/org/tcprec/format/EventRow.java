package org.tcprec.format;

/**
 * One row of a trace: one tracepoint event. Boxed fields are nullable (the column is optional and
 * empty for events whose tracepoint does not carry it); {@code timeNs} is UTC nanoseconds.
 */
public record EventRow(
        long timeNs,
        String event,
        int cpu,
        int tgid,
        int tid,
        String comm,
        Long netns,
        Long cgroupId,
        Long skaddr,
        int family,
        String laddr,
        int lport,
        String raddr,
        int rport,
        String oldstate,
        String newstate,
        String state,
        Long bytesAcked,
        Long bytesReceived,
        Long sockCookie,
        Long skbaddr,
        Long req,
        Integer err,
        Integer reason,
        Long mark,
        Integer dataLen,
        Long sndNxt,
        Long sndUna,
        Long sndCwnd,
        Long ssthresh,
        Long sndWnd,
        Long srttUs,
        Long rcvWnd) {}
