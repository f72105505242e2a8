package org.tcprec.cli.bench;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.tcprec.format.EventRow;
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * Writes a synthetic trace for the analyzer benchmark: a busy server's traffic with realistic
 * shapes. Connections arrive as a Poisson process; 85% are passive (clients from ~2000 addresses,
 * 10% IPv6, to ports 443/80/8080/5432), 15% active (to a few backends). Lifespans and sizes are
 * log-normal (median 40 ms and 8 KB, long tails); tcp_probe rows follow the data (at most one per
 * 10 ms, as the recorder samples); ~2% of connections retransmit, ~1% are reset.
 *
 * <p>Each trace is one simulated host's: its name, boot id and kernel release go into the footer
 * as a recorder writes them (SyntheticFleet writes many hosts' traces).
 *
 * <pre>java -cp ... org.tcprec.cli.bench.SyntheticTrace OUT.parquet EVENTS [SEED [HOSTNAME BOOT_ID KERNEL]]</pre>
 */
public final class SyntheticTrace {
    private record Pending(long ts, long order, EventRow row) {}

    /** The simulated host whose recording the trace is. */
    public record Host(String hostname, String bootId, String kernelRelease) {
        static final Host DEFAULT = new Host("synthetic", "00000000-0000-0000-0000-000000000000", "6.18.0-synthetic");
    }

    private final Random random;
    private final Host host;
    private final PriorityQueue<Pending> queue =
            new PriorityQueue<>((a, b) -> a.ts != b.ts ? Long.compare(a.ts, b.ts) : Long.compare(a.order, b.order));
    private final ArrayDeque<Long> freeSockets = new ArrayDeque<>();
    /** Sockets still open: {close time, address}; an address is reused only after its close. */
    private final PriorityQueue<long[]> openSockets = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

    private long nextSocket = 0xffff888100000000L;
    private long order;
    private long cookie = 1000;

    private SyntheticTrace(long seed, Host host) {
        this.random = new Random(seed);
        this.host = host;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long events = Long.parseLong(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        Host host = args.length > 5 ? new Host(args[3], args[4], args[5]) : Host.DEFAULT;
        long start = System.nanoTime();
        long written = write(out, events, seed, host, 0);
        System.err.printf("wrote %,d events to %s in %.1f s%n", written, out, (System.nanoTime() - start) / 1e9);
    }

    /** Writes the trace of that host, its recording started offsetNs after the others'; returns the rows written. */
    public static long write(Path out, long events, long seed, Host host, long offsetNs) throws Exception {
        return new SyntheticTrace(seed, host).write(out, events, offsetNs);
    }

    private long write(Path out, long target, long offsetNs) throws Exception {
        long t0 = 1_795_000_000_000_000_000L + offsetNs;
        long now = t0;
        long written = 0;
        long connections = 0;
        try (TraceWriter writer = new TraceWriter(out)) {
            while (written < target) {
                now += (long) (-Math.log(1 - random.nextDouble()) * 50_000); // ~20k connections/s
                connection(now);
                connections++;
                while (!queue.isEmpty() && queue.peek().ts <= now && written < target) {
                    writer.write(queue.poll().row);
                    written++;
                }
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format_version", org.tcprec.format.TraceSchema.VERSION);
            meta.put("tool", Map.of("name", "tcprec-synthetic", "version", "bench"));
            meta.put(
                    "host",
                    Map.of(
                            "hostname",
                            host.hostname(),
                            "boot_id",
                            host.bootId(),
                            "uname",
                            Map.of(
                                    "sysname",
                                    "Linux",
                                    "release",
                                    host.kernelRelease(),
                                    "version",
                                    "#1",
                                    "machine",
                                    "x86_64"),
                            "timezone",
                            "UTC",
                            "utc_offset_seconds",
                            0));
            meta.put("clocks", Map.of("start", Map.of("realtime_ns", t0, "monotonic_ns", 1L, "boottime_ns", 1L)));
            meta.put("recording", Map.of("duration_ns", now - t0, "stop_reason", "duration"));
            meta.put("tracepoints", Map.of("missing", List.of()));
            meta.put("lost_events", Map.of("total", 0L));
            meta.put(
                    "sampling", Map.of("tcp_probe", Map.of("mode", "per_socket_interval", "interval_ns", 10_000_000L)));
            meta.put("rows", written);
            meta.put("synthetic_connections", connections);
            writer.metadata(JsonCodec.metadata(JsonCodec.writeCompact(meta)));
        }
        return written;
    }

    private long socket(long now) {
        while (!openSockets.isEmpty() && openSockets.peek()[0] < now) {
            freeSockets.add(openSockets.poll()[1]);
        }
        Long reused = freeSockets.size() > 1024 ? freeSockets.poll() : null;
        if (reused != null) {
            return reused;
        }
        nextSocket += 0x800;
        return nextSocket;
    }

    private void connection(long start) {
        boolean passive = random.nextDouble() < 0.85;
        boolean v6 = random.nextDouble() < 0.10;
        int family = v6 ? 10 : 2;
        String local = v6 ? "2001:db8::1" : "10.0.0.1";
        int client = random.nextInt(2000);
        String remote = passive
                ? (v6 ? "2001:db8:1::" + Integer.toHexString(client + 1) : "192.0.2." + (client % 250 + 1) + "")
                : (v6 ? "2001:db8:2::" + (client % 4 + 1) : "10.0.1." + (client % 4 + 1));
        if (!passive && !v6) {
            remote = "10.0.1." + (client % 4 + 1);
        } else if (passive && !v6) {
            remote = "198.51." + (client / 250) + "." + (client % 250 + 1);
        }
        int[] servicePorts = {443, 443, 443, 80, 8080, 5432};
        int service = servicePorts[random.nextInt(servicePorts.length)];
        int ephemeral = 32768 + random.nextInt(28000);
        int lport = passive ? service : ephemeral;
        int rport = passive ? ephemeral : service;
        long sk = socket(start);
        int pid = passive ? 1000 + random.nextInt(8) : 2000 + random.nextInt(4);
        String comm = passive ? "nginx" : "app";
        long life = (long) (Math.exp(Math.log(40e6) + random.nextGaussian() * 1.2)); // median 40 ms
        long tx = (long) Math.exp(Math.log(8000) + random.nextGaussian() * 1.5);
        long rx = (long) Math.exp(Math.log(2000) + random.nextGaussian() * 1.0);
        long rtt = (long) (Math.exp(Math.log(300e3) + random.nextGaussian() * 0.8)); // 300 us
        long t = start;
        String[][] states = passive
                ? new String[][] {
                    {"LISTEN", "SYN_RECV"},
                    {"SYN_RECV", "ESTABLISHED"},
                    {"ESTABLISHED", "CLOSE_WAIT"},
                    {"CLOSE_WAIT", "LAST_ACK"},
                    {"LAST_ACK", "CLOSE"}
                }
                : new String[][] {
                    {"CLOSE", "SYN_SENT"},
                    {"SYN_SENT", "ESTABLISHED"},
                    {"ESTABLISHED", "FIN_WAIT1"},
                    {"FIN_WAIT1", "FIN_WAIT2"},
                    {"FIN_WAIT2", "CLOSE"}
                };
        long[] at = {t, t + rtt, t + rtt + life, t + rtt + life + rtt / 2, t + 2 * rtt + life + rtt / 2};
        for (int i = 0; i < states.length; i++) {
            boolean done = i >= 2;
            boolean processContext = passive ? i == 3 : i == 0 || i == 2;
            emit(
                    at[i],
                    row(
                            at[i],
                            "inet_sock_set_state",
                            processContext ? pid : 0,
                            processContext ? comm : "swapper/0",
                            sk,
                            family,
                            local,
                            lport,
                            remote,
                            rport,
                            states[i][0],
                            states[i][1],
                            null,
                            done ? tx + 1 : 0,
                            done ? rx + 1 : 0,
                            null));
        }
        emit(
                at[4],
                row(
                        at[4],
                        "tcp_destroy_sock",
                        0,
                        "swapper/0",
                        sk,
                        family,
                        local,
                        lport,
                        remote,
                        rport,
                        null,
                        null,
                        null,
                        null,
                        null,
                        cookie++));
        long probes = Math.min(50, 1 + tx / 20000);
        for (long p = 0; p < probes; p++) {
            long ts = at[1] + (life * (p + 1)) / (probes + 1);
            EventRow r = row(
                    ts,
                    "tcp_probe",
                    0,
                    "swapper/0",
                    sk,
                    family,
                    local,
                    lport,
                    remote,
                    rport,
                    null,
                    null,
                    null,
                    null,
                    null,
                    cookie);
            emit(
                    ts,
                    EventRowBuilder.row(r.timeNs(), r.event())
                            .cpu(r.cpu())
                            .task(r.tgid(), r.tid(), r.comm())
                            .netns(r.netns())
                            .cgroupId(r.cgroupId())
                            .skaddr(r.skaddr())
                            .family(r.family())
                            .local(r.laddr(), r.lport())
                            .remote(r.raddr(), r.rport())
                            .sockCookie(r.sockCookie())
                            .skbaddr(0xffff888200000000L + order)
                            .mark(0L)
                            .dataLen(1448)
                            .sndNxt(1000L + p * 1448)
                            .sndUna(1000L + p * 1448)
                            .sndCwnd(10L + p)
                            .ssthresh(2147483647L)
                            .sndWnd(65535L)
                            .srttUs(rtt / 1000)
                            .rcvWnd(65483L)
                            .build());
        }
        if (random.nextDouble() < 0.02) {
            long ts = at[1] + life / 2;
            emit(
                    ts,
                    row(
                            ts,
                            "tcp_retransmit_skb",
                            0,
                            "swapper/0",
                            sk,
                            family,
                            local,
                            lport,
                            remote,
                            rport,
                            null,
                            null,
                            "ESTABLISHED",
                            null,
                            null,
                            null));
        }
        if (random.nextDouble() < 0.01) {
            long ts = at[1] + life / 3;
            emit(
                    ts,
                    row(
                            ts,
                            "tcp_receive_reset",
                            0,
                            "swapper/0",
                            sk,
                            family,
                            local,
                            lport,
                            remote,
                            rport,
                            null,
                            null,
                            null,
                            null,
                            null,
                            cookie));
        }
        openSockets.add(new long[] {at[4], sk});
    }

    private void emit(long ts, EventRow row) {
        queue.add(new Pending(ts, order++, row));
    }

    private EventRow row(
            long ts,
            String event,
            int pid,
            String comm,
            long sk,
            int family,
            String laddr,
            int lport,
            String raddr,
            int rport,
            String oldstate,
            String newstate,
            String state,
            Long acked,
            Long received,
            Long cookie) {
        return EventRowBuilder.row(ts, event)
                .cpu((int) (ts % 2))
                .task(pid, pid, comm)
                .netns(4026531840L)
                .cgroupId(1L)
                .skaddr(sk)
                .family(family)
                .local(laddr, lport)
                .remote(raddr, rport)
                .transition(oldstate, newstate)
                .state(state)
                .bytes(acked, received)
                .sockCookie(cookie)
                .skbaddr(state != null ? 0xffff888300000000L + order : null)
                .err(state != null ? 0 : null)
                .build();
    }
}
