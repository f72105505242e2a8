package org.tcprec.format;

/**
 * Builds an {@link EventRow} for tests by naming only the columns a test cares about; every
 * other column is empty (null, or 0 for the columns every event carries).
 *
 * <p>Shared with the other modules' tests through this module's test jar.
 */
public final class EventRowBuilder {
    private long timeNs;
    private String event;
    private int cpu;
    private int tgid;
    private int tid;
    private String comm;
    private Long netns;
    private Long cgroupId;
    private Long skaddr;
    private int family;
    private String laddr;
    private int lport;
    private String raddr;
    private int rport;
    private String oldstate;
    private String newstate;
    private String state;
    private Long bytesAcked;
    private Long bytesReceived;
    private Long sockCookie;
    private Long skbaddr;
    private Long req;
    private Integer err;
    private Integer reason;
    private Long mark;
    private Integer dataLen;
    private Long sndNxt;
    private Long sndUna;
    private Long sndCwnd;
    private Long ssthresh;
    private Long sndWnd;
    private Long srttUs;
    private Long rcvWnd;

    /** A row of {@code event} at {@code timeNs}. */
    public static EventRowBuilder row(long timeNs, String event) {
        return new EventRowBuilder().time(timeNs).event(event);
    }

    public EventRow build() {
        return new EventRow(
                timeNs,
                event,
                cpu,
                tgid,
                tid,
                comm,
                netns,
                cgroupId,
                skaddr,
                family,
                laddr,
                lport,
                raddr,
                rport,
                oldstate,
                newstate,
                state,
                bytesAcked,
                bytesReceived,
                sockCookie,
                skbaddr,
                req,
                err,
                reason,
                mark,
                dataLen,
                sndNxt,
                sndUna,
                sndCwnd,
                ssthresh,
                sndWnd,
                srttUs,
                rcvWnd);
    }

    public EventRowBuilder time(long timeNs) {
        this.timeNs = timeNs;
        return this;
    }

    public EventRowBuilder event(String event) {
        this.event = event;
        return this;
    }

    public EventRowBuilder cpu(int cpu) {
        this.cpu = cpu;
        return this;
    }

    /** The task the event ran in: process id, thread id and command name. */
    public EventRowBuilder task(int tgid, int tid, String comm) {
        this.tgid = tgid;
        this.tid = tid;
        this.comm = comm;
        return this;
    }

    public EventRowBuilder netns(Long netns) {
        this.netns = netns;
        return this;
    }

    public EventRowBuilder cgroupId(Long cgroupId) {
        this.cgroupId = cgroupId;
        return this;
    }

    public EventRowBuilder skaddr(Long skaddr) {
        this.skaddr = skaddr;
        return this;
    }

    public EventRowBuilder family(int family) {
        this.family = family;
        return this;
    }

    public EventRowBuilder local(String laddr, int lport) {
        this.laddr = laddr;
        this.lport = lport;
        return this;
    }

    public EventRowBuilder remote(String raddr, int rport) {
        this.raddr = raddr;
        this.rport = rport;
        return this;
    }

    /** An inet_sock_set_state row's oldstate and newstate. */
    public EventRowBuilder transition(String oldstate, String newstate) {
        this.oldstate = oldstate;
        this.newstate = newstate;
        return this;
    }

    /** The state column, which events other than a state change carry. */
    public EventRowBuilder state(String state) {
        this.state = state;
        return this;
    }

    public EventRowBuilder bytes(Long acked, Long received) {
        this.bytesAcked = acked;
        this.bytesReceived = received;
        return this;
    }

    public EventRowBuilder sockCookie(Long sockCookie) {
        this.sockCookie = sockCookie;
        return this;
    }

    public EventRowBuilder skbaddr(Long skbaddr) {
        this.skbaddr = skbaddr;
        return this;
    }

    public EventRowBuilder req(Long req) {
        this.req = req;
        return this;
    }

    public EventRowBuilder err(Integer err) {
        this.err = err;
        return this;
    }

    public EventRowBuilder reason(Integer reason) {
        this.reason = reason;
        return this;
    }

    public EventRowBuilder mark(Long mark) {
        this.mark = mark;
        return this;
    }

    public EventRowBuilder dataLen(Integer dataLen) {
        this.dataLen = dataLen;
        return this;
    }

    public EventRowBuilder sndNxt(Long sndNxt) {
        this.sndNxt = sndNxt;
        return this;
    }

    public EventRowBuilder sndUna(Long sndUna) {
        this.sndUna = sndUna;
        return this;
    }

    public EventRowBuilder sndCwnd(Long sndCwnd) {
        this.sndCwnd = sndCwnd;
        return this;
    }

    public EventRowBuilder ssthresh(Long ssthresh) {
        this.ssthresh = ssthresh;
        return this;
    }

    public EventRowBuilder sndWnd(Long sndWnd) {
        this.sndWnd = sndWnd;
        return this;
    }

    public EventRowBuilder srttUs(Long srttUs) {
        this.srttUs = srttUs;
        return this;
    }

    public EventRowBuilder rcvWnd(Long rcvWnd) {
        this.rcvWnd = rcvWnd;
        return this;
    }
}
