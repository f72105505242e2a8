package org.tcprec.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.EventRow;
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * A 2.0 trace stores neither ns_in_oldstate nor protocol; what its readers derive is what a 1.1
 * writer stored for the same events: the time since the connection's previous state change, null
 * for its first, and 6 on every state change. The truth is the timeline this test plays itself:
 * connections on a few socket addresses, reused after CLOSE, interleaved with a listener open
 * throughout, probes and destroys between the changes, a connect whose SYN_SENT has no local port
 * yet, and changes at the same nanosecond. Read through the views (DuckDB) and through the
 * format's scan, with and without a port filter that the first change of each connect fails.
 */
class DerivedTimeInStateTest {
    @TempDir
    Path dir;

    private static final String[] PATH = {"CLOSE", "SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE"};
    private static final int LISTENER_PORT = 8080;
    private static final long LISTENER = 0xffff8880_0000_f000L;

    /** One connection the test opened: its address, ports, where it is on PATH and its last change. */
    private static final class Connection {
        final long skaddr;
        final int lport;
        int step;
        long lastChangeNs;

        Connection(long skaddr, int lport) {
            this.skaddr = skaddr;
            this.lport = lport;
        }
    }

    /** A row written, and what ns_in_oldstate a 1.1 writer stored for it (null: none, or not a state change). */
    private record Played(EventRow row, Long nsInOldstate) {}

    private static List<Played> play(Random random, int steps) {
        List<Played> played = new ArrayList<>();
        long t = 1_764_950_000_000_000_000L;
        played.add(new Played(change(t, LISTENER, LISTENER_PORT, "CLOSE", "LISTEN"), null));
        long listenerChange = t;
        List<Connection> open = new ArrayList<>();
        List<Long> free = new ArrayList<>();
        for (long a = 1; a <= 6; a++) {
            free.add(0xffff8880_0000_0000L + a * 0x1000);
        }
        int nextPort = 40000;
        for (int i = 0; i < steps; i++) {
            // a tenth of the steps at the same nanosecond as the one before
            t += random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(50_000);
            int what = random.nextInt(10);
            if (what < 3 && !free.isEmpty()) {
                Connection c = new Connection(free.remove(random.nextInt(free.size())), nextPort++);
                // connect() moves the socket to SYN_SENT before it has a local port
                played.add(new Played(change(t, c.skaddr, 0, PATH[0], PATH[1]), null));
                c.step = 1;
                c.lastChangeNs = t;
                open.add(c);
            } else if (what < 8 && !open.isEmpty()) {
                Connection c = open.get(random.nextInt(open.size()));
                played.add(
                        new Played(change(t, c.skaddr, c.lport, PATH[c.step], PATH[c.step + 1]), t - c.lastChangeNs));
                c.step++;
                c.lastChangeNs = t;
                if (c.step == PATH.length - 1) {
                    open.remove(c);
                    played.add(new Played(other(t, "tcp_destroy_sock", c.skaddr, c.lport), null));
                    free.add(c.skaddr);
                }
            } else if (!open.isEmpty()) {
                Connection c = open.get(random.nextInt(open.size()));
                played.add(new Played(other(t, "tcp_probe", c.skaddr, c.lport), null));
            } else {
                played.add(new Played(other(t, "tcp_send_reset", null, 1), null));
            }
        }
        t += 1000;
        played.add(new Played(change(t, LISTENER, LISTENER_PORT, "LISTEN", "CLOSE"), t - listenerChange));
        return played;
    }

    @Test
    void derivedTimesInStateAreWhatThe11WriterStored() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            List<Played> played = play(new Random(seed), 5000);
            Path trace = dir.resolve("timeline-" + seed + ".parquet");
            try (TraceWriter w = new TraceWriter(trace)) {
                for (Played p : played) {
                    w.write(p.row());
                }
                w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("host", Map.of("hostname", "test")))));
            }
            TraceFooter footer = TraceFooter.read(trace);
            assertFalse(footer.columns().contains("ns_in_oldstate"), "a 2.0 file stores none");
            assertFalse(footer.columns().contains("protocol"), "a 2.0 file stores none");

            try (TraceDatabase db = TraceDatabase.open(List.of(trace));
                    Statement s = db.connection().createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT seq, ns_in_oldstate, protocol FROM raw_events ORDER BY seq")) {
                int i = 0;
                while (rs.next()) {
                    Played p = played.get(i);
                    assertEquals(i, rs.getLong(1));
                    assertEquals(p.nsInOldstate(), (Long) rs.getObject(2, Long.class), "seed " + seed + " row " + i);
                    boolean change = p.row().event().equals("inet_sock_set_state");
                    assertEquals(change ? (Integer) 6 : null, rs.getObject(3, Integer.class), "protocol, row " + i);
                    i++;
                }
                assertEquals(played.size(), i);
            }

            List<Long> changes = new ArrayList<>();
            List<Long> filtered = new ArrayList<>();
            for (Played p : played) {
                if (p.row().event().equals("inet_sock_set_state")) {
                    // the view and the scan read a lifetime's first change's null as 0
                    long ns = p.nsInOldstate() == null ? 0 : p.nsInOldstate();
                    changes.add(ns);
                    if (p.row().lport() >= 40000 && p.row().lport() % 2 == 0) {
                        filtered.add(ns);
                    }
                }
            }
            assertEquals(changes, scanned(footer, List.of()), "seed " + seed + ", scanned");
            List<Integer> evenPorts = new ArrayList<>();
            for (int port = 40000; port < 40000 + played.size(); port += 2) {
                evenPorts.add(port);
            }
            assertTrue(filtered.size() > 100 && filtered.size() < changes.size() / 2 + 100);
            assertEquals(filtered, scanned(footer, evenPorts), "seed " + seed + ", scanned with a port filter");
        }
    }

    private static List<Long> scanned(TraceFooter footer, List<Integer> localPorts) {
        StateChangeScan scan = StateChangeScan.of(footer, List.of("ts_ns", "ns_in_oldstate"));
        assertNotNull(scan, "a 2.0 trace is read by the scan");
        List<Long> out = new ArrayList<>();
        scan.rows(0, localPorts, List.of(), batch -> {
            for (int i = 0; i < batch.rows(); i++) {
                assertFalse(batch.column(1).isNull(i));
                out.add(batch.column(1).getLong(i));
            }
        });
        return out;
    }

    private static EventRow change(long t, long skaddr, int lport, String oldstate, String newstate) {
        return row(t, "inet_sock_set_state", skaddr, lport, oldstate, newstate);
    }

    private static EventRow other(long t, String event, Long skaddr, int lport) {
        return row(t, event, skaddr, lport, null, null);
    }

    private static EventRow row(long t, String event, Long skaddr, int lport, String oldstate, String newstate) {
        boolean change = event.equals("inet_sock_set_state");
        return EventRowBuilder.row(t, event)
                .task(1, 1, "app")
                .netns(4026531840L)
                .skaddr(skaddr)
                .family(2)
                .local("127.0.0.1", lport)
                .remote("127.0.0.1", 80)
                .transition(oldstate, newstate)
                .bytes(change ? 0L : null, change ? 0L : null)
                .build();
    }
}
