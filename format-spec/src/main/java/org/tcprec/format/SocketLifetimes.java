package org.tcprec.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The column a writer derives from the rows before each one (since format 1.1), so that readers
 * need no per-socket window over the whole trace to replay tcpstates and tcplife: {@code life},
 * which socket lifetime a row belongs to, numbered from 1 in the file in the order of the
 * lifetimes' first rows (since 2.0; 1.x numbered the lifetimes of each address apart). A socket
 * address is reused once its socket is freed, so a state change after a CLOSE starts the next
 * lifetime, and so does one that does not continue from the state the address was last seen in:
 * the socket seen before was freed without a traced CLOSE (a duplicate child socket dropped in a
 * handshake race is), or events were lost. Other events (tcp_destroy_sock after the CLOSE) stay
 * with the lifetime they end. Numbered across the file, rows close in time have close numbers,
 * which the delta encoding stores in a few bits; numbers per address jump from row to row. (1.x
 * also stored {@code ns_in_oldstate}; since 2.0 readers derive it from {@code life} in one pass,
 * see org.tcprec.format.scan.StateTimes.)
 *
 * It also counts the broken lifetimes: a state change of an address seen before that neither
 * continues from the state the address was last seen in nor starts a socket (from CLOSE, or from
 * LISTEN for a listener's child). Each one means a state change is missing from the trace, and the
 * trace's loss counters may not know it: the kernel skips a tracepoint's program without always
 * counting the skip (format-spec/README.md, "lifetimes").
 *
 * Rows must come in time order, as a trace stores them. The same rules, as SQL over a 1.0 trace,
 * are in the analyzer's TraceDatabase, and a test holds the two together.
 */
final class SocketLifetimes {
    private static final String STATE_CHANGE = "inet_sock_set_state";

    private static final class Socket {
        int life;
        String lastNewState;
    }

    /**
     * The kernel reuses socket memory, so the addresses seen stay few, but a bound keeps a
     * pathological trace from exhausting the heap: past this many addresses, the one unused
     * longest is forgotten, and should it come back its next row starts a lifetime.
     */
    private static final int MAX_SOCKETS = 1 << 20;

    private final Map<Long, Socket> sockets = new java.util.LinkedHashMap<>(1 << 12, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Socket> eldest) {
            return size() > MAX_SOCKETS;
        }
    };
    /** Lifetimes numbered so far in the file. */
    private int lifetimes;

    private int life;
    private long broken;

    /** Derives life for this row; false when it has no socket (life is then null). */
    boolean next(EventRow row) {
        Long skaddr = row.skaddr();
        if (skaddr == null) {
            return false;
        }
        Socket s = sockets.get(skaddr);
        boolean change = STATE_CHANGE.equals(row.event());
        if (s == null) {
            s = new Socket();
            s.life = ++lifetimes;
            sockets.put(skaddr, s);
        } else if (change
                && s.lastNewState != null
                && (s.lastNewState.equals("CLOSE") || !s.lastNewState.equals(row.oldstate()))) {
            s.life = ++lifetimes;
            if (!s.lastNewState.equals("CLOSE") || !startsSocket(row.oldstate())) {
                broken++;
            }
        }
        if (change) {
            s.lastNewState = row.newstate();
        }
        life = s.life;
        return true;
    }

    private static boolean startsSocket(String oldstate) {
        return "CLOSE".equals(oldstate) || "LISTEN".equals(oldstate);
    }

    /** Broken lifetimes so far (see the class comment). */
    long broken() {
        return broken;
    }

    int life() {
        return life;
    }

    /**
     * What these rules know after the rows so far, so that a writer resumed after a crash derives
     * the same columns for the rows that follow as the interrupted one would have. Sockets are
     * kept in their order of last use, which decides which one is forgotten first.
     */
    byte[] save() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(broken);
            out.writeInt(lifetimes);
            out.writeInt(sockets.size());
            for (Map.Entry<Long, Socket> e : sockets.entrySet()) {
                out.writeLong(e.getKey());
                out.writeInt(e.getValue().life);
                out.writeBoolean(e.getValue().lastNewState != null);
                if (e.getValue().lastNewState != null) {
                    out.writeUTF(e.getValue().lastNewState);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** The rules' knowledge as {@link #save()} wrote it. */
    static SocketLifetimes restore(byte[] saved) throws IOException {
        SocketLifetimes lifetimes = new SocketLifetimes();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            lifetimes.broken = in.readLong();
            lifetimes.lifetimes = in.readInt();
            int n = in.readInt();
            if (n < 0 || n > MAX_SOCKETS) {
                throw new IOException("a lifetime state of " + n + " sockets");
            }
            for (int i = 0; i < n; i++) {
                long skaddr = in.readLong();
                Socket s = new Socket();
                s.life = in.readInt();
                s.lastNewState = in.readBoolean() ? in.readUTF() : null;
                lifetimes.sockets.put(skaddr, s);
            }
        }
        return lifetimes;
    }
}
