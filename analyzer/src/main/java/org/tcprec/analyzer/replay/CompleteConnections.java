package org.tcprec.analyzer.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tcprec.analyzer.trace.BatchStream;
import org.tcprec.analyzer.trace.StateChangeScan;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;

/**
 * The complete rows of the {@code connections} view (a start and a CLOSE seen: what bcc's tcplife
 * prints), computed the way tcplife computes them live: one pass over the state changes in file
 * order, with a table of the lifetimes open at that moment, and a row when one closes.
 *
 * <p>Why not read them from the view: its hash aggregate holds a dozen arg_max states for every
 * lifetime of the trace at once, while the lifetimes open at any one moment are a few thousand,
 * and the state changes come out of the file in time order. The rules are the view's (views.sql,
 * {@code lives}), restated for one pass; CompleteConnectionsTest holds the two together on every
 * sample trace and on generated timelines, for every column this class computes. For one trace;
 * reports of several use the view.
 *
 * <p>The trace is read with the format's own scan (StateChangeScan), once: every state change
 * with the columns the rules need and those printed from CLOSE rows, whose filters are judged
 * here. A 1.0 trace, whose lifetimes only the view derives, is left to the view.
 *
 * <p>The pieces: {@link ColumnPlan} (where each output column comes from), the pass over the
 * changes here (tcplife's rules), {@link OpenLifetimes} (the table of open lifetimes) and
 * {@link CloseOrderedRows} (the rows put in the view's order on their way out).
 */
public final class CompleteConnections {
    private CompleteConnections() {}

    /**
     * The complete connections' pass over one trace read with the format's scan (StateChangeScan:
     * the state_changes view's projection of the file), or null when the trace needs DuckDB. One
     * scan gives every change with the columns printed from CLOSE rows too, so a CLOSE row is its
     * own match, and the family and port filters are judged on it here. Nothing is read until
     * {@link ScanReplay#run}, so a caller can decide its header first.
     */
    public static ScanReplay scanReplay(
            TraceFooter footer,
            List<String> columns,
            int family,
            List<Integer> localPorts,
            List<Integer> remotePorts,
            long pid,
            boolean byOwner) {
        ColumnPlan plan = new ColumnPlan(columns, byOwner);
        List<String> scanned = new ArrayList<>(CHANGE_COLUMNS);
        int[] closeIndex = new int[plan.closeIndex.length];
        for (int i = 0; i < closeIndex.length; i++) {
            closeIndex[i] = plan.closeIndex[i] == 0 ? 0 : column(scanned, plan.closeColumns.get(plan.closeIndex[i]));
        }
        CloseFilter filter = new CloseFilter(
                family == 0 ? -1 : column(scanned, "family"),
                family,
                localPorts.isEmpty() ? -1 : column(scanned, "lport"),
                StateChangeScan.sortedLongs(localPorts),
                remotePorts.isEmpty() ? -1 : column(scanned, "rport"),
                StateChangeScan.sortedLongs(remotePorts));
        StateChangeScan scan = StateChangeScan.of(footer, scanned);
        return scan == null ? null : new ScanReplay(scan, plan, closeIndex, filter, pid, byOwner);
    }

    /** A replay over the format's scan, ready to run. */
    public static final class ScanReplay {
        private final StateChangeScan scan;
        private final ColumnPlan plan;
        private final int[] closeIndex;
        private final CloseFilter filter;
        private final long pid;
        private final boolean byOwner;

        private ScanReplay(
                StateChangeScan scan,
                ColumnPlan plan,
                int[] closeIndex,
                CloseFilter filter,
                long pid,
                boolean byOwner) {
            this.scan = scan;
            this.plan = plan;
            this.closeIndex = closeIndex;
            this.filter = filter;
            this.pid = pid;
            this.byOwner = byOwner;
        }

        /**
         * Hands the complete connections to the handler in the view's report order (close time,
         * then first time seen, then skaddr), in batches whose column i is {@code columns.get(i)}.
         */
        public void run(Consumer<ColumnBatch> handler) {
            try (BatchStream changes = scan.open(0, List.of(), List.of())) {
                new Pass(plan.sources, closeIndex, plan.owners, pid, byOwner, filter, handler).run(changes);
            }
        }
    }

    /** The column's index in the list, added at its end when missing. */
    private static int column(List<String> columns, String name) {
        if (!columns.contains(name)) {
            columns.add(name);
        }
        return columns.indexOf(name);
    }

    /** ReportOptions.FILTER_SQL on a CLOSE row of the changes themselves: a column index of -1 is no condition. */
    private record CloseFilter(int familyAt, long family, int localAt, long[] local, int remoteAt, long[] remote) {
        boolean passes(ColumnBatch batch, int row) {
            return (familyAt < 0 || batch.column(familyAt).getLong(row) == family)
                    && (localAt < 0
                            || java.util.Arrays.binarySearch(
                                            local, batch.column(localAt).getLong(row))
                                    >= 0)
                    && (remoteAt < 0
                            || java.util.Arrays.binarySearch(
                                            remote, batch.column(remoteAt).getLong(row))
                                    >= 0);
        }
    }

    /** The state_changes columns the rules read from every change, in this order. */
    private static final List<String> CHANGE_COLUMNS = List.of("skaddr", "life", "ts_ns", "newstate", "tgid", "comm");

    /** The state of one pass: the open lifetimes and the output batch. */
    private static final class Pass {
        private static final byte START =
                1; // ESTABLISHED, SYN_SENT, SYN_RECV: the lifespan starts at the last of these
        private static final byte PROCESS = 2; // SYN_SENT, LAST_ACK: tcplife's process
        private static final byte CLOSE = 4;
        private static final byte[] ESTABLISHED = "ESTABLISHED".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] SYN_SENT = "SYN_SENT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] SYN_RECV = "SYN_RECV".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] LAST_ACK = "LAST_ACK".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] CLOSE_NAME = "CLOSE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final java.lang.invoke.VarHandle WORD =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        private static final long CLOSE_WORD = word(java.util.Arrays.copyOf(CLOSE_NAME, Long.BYTES)) & 0xFF_FFFF_FFFFL;
        private static final long SYN_SENT_WORD = word(SYN_SENT);
        private static final long SYN_RECV_WORD = word(SYN_RECV);
        private static final long LAST_ACK_WORD = word(LAST_ACK);
        private static final long ESTABLISHED_WORD = word(ESTABLISHED);

        private static long word(byte[] name) {
            return (long) WORD.get(name, 0);
        }

        private final ColumnPlan.Source[] sources;
        private final int[] closeIndex;
        private final boolean owners;
        private final long pidFilter;
        private final boolean byOwner;
        /** The report's filters, judged on the CLOSE change itself. */
        private final CloseFilter filter;

        private static final int COMM_CACHE = 4096;
        private final int[] commCache = new int[COMM_CACHE];
        private final OpenLifetimes open = new OpenLifetimes();
        private final ByteStrings comms = new ByteStrings();

        private final CloseOrderedRows output;

        /** closeIndex: where each column taken from the CLOSE row is among the changes' columns. */
        Pass(
                ColumnPlan.Source[] sources,
                int[] closeIndex,
                boolean owners,
                long pidFilter,
                boolean byOwner,
                CloseFilter filter,
                Consumer<ColumnBatch> handler) {
            this.sources = sources;
            this.closeIndex = closeIndex;
            this.owners = owners;
            this.pidFilter = pidFilter;
            this.byOwner = byOwner;
            this.filter = filter;
            boolean[] text = new boolean[sources.length];
            for (int c = 0; c < sources.length; c++) {
                text[c] = sources[c].text();
            }
            this.output = new CloseOrderedRows(text, handler);
        }

        private ColumnVector skaddr;
        private ColumnVector life;
        private ColumnVector ts;
        private ColumnVector newstate;
        private ColumnVector tgid;
        private ColumnVector comm;

        /** The batch of changes being replayed. */
        private ColumnBatch changes;

        void run(BatchStream changes) {
            this.changes = changes;
            while (changes.next()) {
                java.util.Arrays.fill(commCache, -1);
                skaddr = changes.column(0);
                life = changes.column(1);
                ts = changes.column(2);
                newstate = changes.column(3);
                tgid = changes.column(4);
                comm = changes.column(5);
                for (int i = 0; i < changes.rows(); i++) {
                    change(i);
                }
            }
            output.handOver();
        }

        /**
         * One state change: into its lifetime, and out as a row when it is the CLOSE. The new
         * state is recognised here, not in a method of its own, on purpose: at over 325 bytes of
         * bytecode the JIT compiles this once instead of again inside the loop that calls it.
         */
        private void change(int i) {
            long sk = skaddr.getLong(i);
            int lifetime = (int) life.getLong(i);
            long t = ts.getLong(i);
            byte[] name = newstate.bytes();
            int at = newstate.start(i);
            int length = newstate.length(i);
            int flags;
            if (at + Long.BYTES <= name.length) {
                // a state's first eight bytes as one word tell the five apart (sources keep slack past their strings)
                long word = (long) WORD.get(name, at);
                flags = switch (length) {
                    case 5 -> (word & 0xFF_FFFF_FFFFL) == CLOSE_WORD ? CLOSE : 0;
                    case 8 ->
                        word == SYN_SENT_WORD
                                ? START | PROCESS
                                : word == SYN_RECV_WORD ? START : word == LAST_ACK_WORD ? PROCESS : 0;
                    case 11 -> word == ESTABLISHED_WORD && is(name, at, ESTABLISHED) ? START : 0;
                    default -> 0;
                };
            } else {
                flags = switch (length) {
                    case 5 -> is(name, at, CLOSE_NAME) ? CLOSE : 0;
                    case 8 ->
                        is(name, at, SYN_SENT)
                                ? START | PROCESS
                                : is(name, at, SYN_RECV) ? START : is(name, at, LAST_ACK) ? PROCESS : 0;
                    case 11 -> is(name, at, ESTABLISHED) ? START : 0;
                    default -> 0;
                };
            }
            int slot = open.find(sk);
            if (slot < 0 || open.life[slot] != lifetime) {
                // a new lifetime of the address; an earlier one without a CLOSE can get no more rows
                slot = open.start(slot, sk, lifetime, t);
            }
            int task = (int) tgid.getLong(i);
            int commId = -1;
            if ((flags & START) != 0) {
                open.startNs[slot] = t;
            }
            if ((flags & PROCESS) != 0) {
                commId = commId(i);
                open.processTgid[slot] = task;
                open.processComm[slot] = commId;
            }
            if (owners && task != 0) {
                if (commId < 0) {
                    commId = commId(i);
                }
                open.taskTgid[slot] = task;
                open.taskComm[slot] = commId;
            }
            if ((flags & CLOSE) != 0) {
                closed(i, slot, sk, t, task, commId < 0 ? commId(i) : commId);
                open.remove(slot);
            }
        }

        /**
         * The process name's id. Within one batch a string's start identifies it (a trace scan's
         * rows of one name share its dictionary entry), so ids are remembered by start until the
         * batch changes: most rows then skip hashing and comparing the name.
         */
        private int commId(int row) {
            int start = comm.start(row);
            if (start < COMM_CACHE) {
                int cached = commCache[start];
                if (cached >= 0) {
                    return cached;
                }
                return commCache[start] = comms.id(comm.bytes(), start, comm.length(row));
            }
            return comms.id(comm.bytes(), start, comm.length(row));
        }

        private static boolean is(byte[] b, int at, byte[] name) {
            return java.util.Arrays.equals(b, at, at + name.length, name, 0, name.length);
        }

        /** A lifetime's CLOSE: its row when it is complete and passes the filters. */
        private void closed(int change, int slot, long sk, long closeNs, int closeTgid, int closeComm) {
            if (!filter.passes(changes, change)) {
                return;
            }
            long startNs = open.startNs[slot];
            if (startNs != OpenLifetimes.NONE) {
                boolean hasProcess = open.processComm[slot] >= 0;
                int pid = hasProcess ? open.processTgid[slot] : closeTgid;
                int comm = hasProcess ? open.processComm[slot] : closeComm;
                // -x: a task with the socket rather than the softirq's current task at CLOSE
                int ownerPid = hasProcess ? pid : open.taskComm[slot] >= 0 ? open.taskTgid[slot] : closeTgid;
                int ownerComm = hasProcess ? comm : open.taskComm[slot] >= 0 ? open.taskComm[slot] : closeComm;
                if (pidFilter == 0 || (byOwner ? ownerPid : pid) == pidFilter) {
                    output.row(closeNs, open.firstNs[slot], sk);
                    for (int c = 0; c < sources.length; c++) {
                        ColumnVector out = output.column(c);
                        switch (sources[c]) {
                            case CLOSE_ROW_NUMBER, CLOSE_ROW_TEXT ->
                                CloseOrderedRows.copy(changes.column(closeIndex[c]), change, out, sources[c].text());
                            case SKADDR -> out.append(sk);
                            case PID -> out.append(pid);
                            case COMM -> text(out, comm);
                            case OWNER_PID -> out.append(ownerPid);
                            case OWNER_COMM -> text(out, ownerComm);
                            case FIRST_NS -> out.append(open.firstNs[slot]);
                            case START_NS -> out.append(startNs);
                            case CLOSE_NS -> out.append(closeNs);
                            // the view's (close_ns - start_ns) // 1000: bcc truncates to microseconds
                            case SPAN_US -> out.append((closeNs - startNs) / 1000);
                            default -> throw new IllegalStateException(sources[c].name());
                        }
                    }
                }
            }
        }

        private void text(ColumnVector out, int id) {
            byte[] b = comms.bytes(id);
            out.append(b, 0, b.length);
        }
    }
}
