package org.tcprec.analyzer.report;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.tcprec.analyzer.replay.CompleteConnections;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tcplife",
        mixinStandardHelpOptions = true,
        description = {
            "TCP connection lifespans with bytes sent and received, as bcc's tcplife prints them.",
            "Columns and widths follow libbpf-tools' tcplife; -t and -s (which only bcc's Python tcplife has) "
                    + "follow the Python tool."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  tcprec tcplife web1.parquet                     every connection of the recording",
            "  tcprec tcplife -T -w -L 443 web1.parquet        with times, wide, local port 443 only"
        })
public final class TcpLifeCommand extends ReplayCommand {
    @Option(
            names = {"-p", "--pid"},
            paramLabel = "PID",
            description = "Only connections of this process.")
    int pid;

    @Option(
            names = "--partial",
            description = "Also show connections open when the recording began or still open when it ended "
                    + "(bcc cannot see those), marked in a NOTE column.")
    boolean partial;

    // A connection still open at the end is shown at the recording's end; one open at the start
    // from the first change seen: the part of the lifespan the recording saw. bcc truncates the
    // span to whole microseconds.
    private static final String QUERY =
            "SELECT c.* EXCLUDE (note), coalesce(close_ns, recording_end_ns, last_ns) AS event_ns, "
                    + "make_timestamp_ns(coalesce(close_ns, recording_end_ns, last_ns)) AS event_time, "
                    + "coalesce(span_us, (coalesce(close_ns, recording_end_ns, last_ns) - coalesce(start_ns, first_ns)) // 1000) "
                    + "AS shown_us, "
                    // the view's note as one word for a column of words; '-' for a complete connection
                    + "coalesce(replace(note, ' ', '-'), '-') AS note "
                    + "FROM connections c WHERE (complete OR ?) AND " + ReportOptions.FILTER_SQL
                    + " AND (? = 0 OR (CASE WHEN ? THEN owner_pid ELSE pid END) = ?)";

    /** One trace, complete connections only, not --json: the one-pass replay over the format's scan. */
    @Override
    protected boolean reportFromScan(TraceFooter footer) {
        if (options.json() || partial) {
            return false;
        }
        int width = options.wide || options.extended ? 39 : 15;
        SelectedColumns selected = new SelectedColumns();
        Lines lines = new Lines(selected, options.extended ? "owner_" : "", width);
        CompleteConnections.ScanReplay replay = CompleteConnections.scanReplay(
                footer,
                selected.expressions(),
                options.family(),
                options.localPorts,
                options.remotePorts,
                pid,
                options.extended);
        if (replay == null) {
            return false;
        }
        printHeader(width);
        out.flush(); // the lines go to the stream under the writer
        replay.run(lines::batch);
        lines.line.finish();
        return true;
    }

    @Override
    protected void report(TraceDatabase db) {
        int width = options.wide || options.extended ? 39 : 15;
        Object[] parameters = Rows.concat(new Object[] {partial}, options.filterParameters());
        parameters = Rows.concat(parameters, pid, options.extended, pid);
        if (options.json()) {
            Rows.query(db, QUERY + order(db), parameters, this::printJson);
            return;
        }
        printHeader(width);
        String p = options.extended ? "owner_" : "";
        SelectedColumns selected = new SelectedColumns();
        Lines lines = new Lines(selected, p, width);
        eachBatch(db, selected, "FROM (" + QUERY + ")" + order(db), parameters, lines);
        lines.line.finish();
    }

    /**
     * The report's lines from batches of its columns, one method call a line (see {@link #line}):
     * the JIT's compile time is a large part of a report that runs two seconds.
     */
    private final class Lines implements BatchHandler {
        final LineBuffer line = new LineBuffer(out);
        private final int width;
        private final char separator = options.csv() ? ',' : ' ';
        private final int pidAt;
        private final int commAt;
        private final int laddrAt;
        private final int lportAt;
        private final int raddrAt;
        private final int rportAt;
        private final int txAt;
        private final int rxAt;
        private final int shownAt;
        private final int tsAt;
        private final int familyAt;
        private final int netnsAt;
        private final int cgroupAt;
        private final int noteAt;
        private ColumnVector ts;
        private ColumnVector owner;
        private ColumnVector comm;
        private ColumnVector family;
        private ColumnVector laddr;
        private ColumnVector lport;
        private ColumnVector raddr;
        private ColumnVector rport;
        private ColumnVector tx;
        private ColumnVector rx;
        private ColumnVector shown;
        private ColumnVector netns;
        private ColumnVector cgroup;
        private ColumnVector note;

        Lines(SelectedColumns selected, String p, int width) {
            this.width = width;
            pidAt = selected.add(p + "pid");
            commAt = selected.add(p + "comm");
            laddrAt = selected.add("laddr");
            lportAt = selected.add("lport");
            raddrAt = selected.add("raddr");
            rportAt = selected.add("rport");
            txAt = selected.add("tx_bytes");
            rxAt = selected.add("rx_bytes");
            shownAt = selected.add("shown_us");
            tsAt = selected.addIf(options.time || options.timestamp, "event_ns");
            familyAt = selected.addIf(options.csv(), "family");
            netnsAt = selected.addIf(options.extended, "netns");
            cgroupAt = selected.addIf(options.extended, "cgroup_id");
            noteAt = selected.addIf(partial, "note");
        }

        @Override
        public void batch(ColumnBatch batch) {
            ts = SelectedColumns.column(batch, tsAt);
            owner = batch.column(pidAt);
            comm = batch.column(commAt);
            family = SelectedColumns.column(batch, familyAt);
            laddr = batch.column(laddrAt);
            lport = batch.column(lportAt);
            raddr = batch.column(raddrAt);
            rport = batch.column(rportAt);
            tx = batch.column(txAt);
            rx = batch.column(rxAt);
            shown = batch.column(shownAt);
            netns = SelectedColumns.column(batch, netnsAt);
            cgroup = SelectedColumns.column(batch, cgroupAt);
            note = SelectedColumns.column(batch, noteAt);
            for (int i = 0; i < batch.rows(); i++) {
                line(i);
            }
        }

        /** bcc prints the span as us / 1000.0 with two decimals, rounded as C rounds the double. */
        private long ms(int i) {
            return LineBuffer.roundedQuotient(shown.getLong(i), 1000, 2);
        }

        /**
         * One line, as -s prints it or as text. One method for both on purpose: at over 325
         * bytes of bytecode the JIT does not inline it into the batch loop, so it compiles the
         * line once; inlined, it compiled it again with the loop (bench/RESULTS.md has the cost).
         */
        private void line(int i) {
            if (options.csv()) {
                // bcc's Python tcplife -s: whole KB (Python's %d of a float truncates), an IP column
                timePrefix(line, ts, i, separator);
                line.number(owner.getLong(i), 0, true)
                        .ch(',')
                        .text(comm, i, 0, -1)
                        .ch(',')
                        .ch(family.getLong(i) == 10 ? '6' : '4')
                        .ch(',')
                        .text(laddr, i, 0, -1)
                        .ch(',')
                        .number(lport.getLong(i), 0, true)
                        .ch(',')
                        .text(raddr, i, 0, -1)
                        .ch(',')
                        .number(rport.getLong(i), 0, true)
                        .ch(',')
                        .number(tx.getLong(i) / 1024, 0, true)
                        .ch(',')
                        .number(rx.getLong(i) / 1024, 0, true)
                        .ch(',')
                        .fixed(ms(i), 2, 0, true);
                if (partial) {
                    line.ch(',').text(note, i, 0, -1);
                }
                line.endLine();
                return;
            }
            timePrefix(line, ts, i, separator);
            line.number(owner.getLong(i), 7, true)
                    .ch(' ')
                    .text(comm, i, 16, -1)
                    .ch(' ')
                    .text(laddr, i, width, -1)
                    .ch(' ')
                    .number(lport.getLong(i), 5, true)
                    .ch(' ')
                    .text(raddr, i, width, -1)
                    .ch(' ')
                    .number(rport.getLong(i), 5, true)
                    .ch(' ')
                    .fixed(LineBuffer.roundedBinaryQuotient(tx.getLong(i), 10, 2), 2, 6, true)
                    .ch(' ')
                    .fixed(LineBuffer.roundedBinaryQuotient(rx.getLong(i), 10, 2), 2, 6, true)
                    .ch(' ');
            if (options.extended) {
                line.fixed(ms(i), 2, 10, true).ch(' ');
                nullableNumber(line, netns, i, 10).ch(' ');
                nullableUnsigned(line, cgroup, i);
            } else {
                line.fixed(ms(i), 2, 0, true);
            }
            if (partial) {
                line.ch(' ').text(note, i, 0, -1);
            }
            line.endLine();
        }
    }

    private static String order(TraceDatabase db) {
        return " ORDER BY event_ns, first_ns, " + db.byFile() + "skaddr";
    }

    private void printHeader(int width) {
        if (options.csv()) {
            out.println(headerTimePrefix() + "PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS"
                    + (partial ? ",NOTE" : ""));
            return;
        }
        StringBuilder h = new StringBuilder(headerTimePrefix());
        h.append(String.format(
                Locale.ROOT,
                "%-7s %-16s %-" + width + "s %-5s %-" + width + "s %-5s %-6s %-6s ",
                "PID",
                "COMM",
                "LADDR",
                "LPORT",
                "RADDR",
                "RPORT",
                "TX_KB",
                "RX_KB"));
        h.append(options.extended ? String.format(Locale.ROOT, "%-10s %-10s %s", "MS", "NETNS", "CGROUP") : "MS");
        if (partial) {
            h.append(" NOTE");
        }
        out.println(h);
    }

    static String nullable(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        if (v instanceof BigInteger b) {
            return b.toString();
        }
        return v == null ? "-" : String.valueOf(v);
    }
}
