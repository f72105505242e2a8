package org.tcprec.analyzer.report;

import java.util.Locale;
import org.tcprec.analyzer.trace.StateChangeScan;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.scan.ColumnBatch;
import org.tcprec.format.scan.ColumnVector;
import picocli.CommandLine.Command;

@Command(
        name = "tcpstates",
        mixinStandardHelpOptions = true,
        description = {
            "Every TCP state change with the time spent in the old state, as bcc's tcpstates prints it.",
            "Columns and widths follow libbpf-tools' tcpstates; -t and -s (which only bcc's Python tcpstates has) "
                    + "follow the Python tool."
        })
public final class TcpStatesCommand extends ReplayCommand {
    /** One trace, not --json: the rows from the format's scan (StateChangeScan), printed by the same Lines. */
    @Override
    protected boolean reportFromScan(TraceFooter footer) {
        if (options.json()) {
            return false;
        }
        boolean wide = options.wide || options.extended;
        SelectedColumns selected = new SelectedColumns();
        Lines lines = new Lines(selected, wide);
        StateChangeScan scan = StateChangeScan.of(footer, selected.expressions());
        if (scan == null) {
            return false;
        }
        printHeader(wide);
        out.flush(); // the lines go to the stream under the writer
        scan.rows(options.family(), options.localPorts, options.remotePorts, lines::batch);
        lines.line.finish();
        return true;
    }

    @Override
    protected void report(TraceDatabase db) {
        boolean wide = options.wide || options.extended;
        if (options.json()) {
            Rows.query(
                    db,
                    "SELECT * FROM state_changes WHERE " + ReportOptions.FILTER_SQL + order(db),
                    options.filterParameters(),
                    this::printJson);
            return;
        }
        printHeader(wide);
        SelectedColumns selected = new SelectedColumns();
        Lines lines = new Lines(selected, wide);
        String rest = "FROM state_changes WHERE " + ReportOptions.FILTER_SQL + order(db);
        eachBatch(db, selected, rest, options.filterParameters(), lines);
        lines.line.finish();
    }

    /** The report's lines from batches of its columns, one method call a line (see TcpLifeCommand.Lines.line). */
    private final class Lines implements BatchHandler {
        final LineBuffer line = new LineBuffer(out);
        private final boolean wide;
        private final int text;
        private final int address;
        private final int skaddrAt;
        private final int pidAt;
        private final int commAt;
        private final int laddrAt;
        private final int lportAt;
        private final int raddrAt;
        private final int rportAt;
        private final int oldstateAt;
        private final int newstateAt;
        private final int nsAt;
        private final int tsAt;
        private final int familyAt;
        private final int netnsAt;
        private final int cgroupAt;
        private ColumnVector ts;
        private ColumnVector skaddr;
        private ColumnVector pid;
        private ColumnVector comm;
        private ColumnVector family;
        private ColumnVector laddr;
        private ColumnVector lport;
        private ColumnVector raddr;
        private ColumnVector rport;
        private ColumnVector oldstate;
        private ColumnVector newstate;
        private ColumnVector ns;
        private ColumnVector netns;
        private ColumnVector cgroup;

        Lines(SelectedColumns selected, boolean wide) {
            this.wide = wide;
            text = wide ? 16 : 10;
            address = wide ? 39 : 15;
            skaddrAt = selected.add("skaddr");
            pidAt = selected.add("tgid");
            commAt = selected.add("comm");
            laddrAt = selected.add("laddr");
            lportAt = selected.add("lport");
            raddrAt = selected.add("raddr");
            rportAt = selected.add("rport");
            oldstateAt = selected.add("oldstate");
            newstateAt = selected.add("newstate");
            nsAt = selected.add("ns_in_oldstate");
            tsAt = selected.addIf(options.time || options.timestamp, "ts_ns");
            familyAt = selected.addIf(wide || options.csv(), "family");
            netnsAt = selected.addIf(options.extended, "netns");
            cgroupAt = selected.addIf(options.extended, "cgroup_id");
        }

        @Override
        public void batch(ColumnBatch batch) {
            ts = SelectedColumns.column(batch, tsAt);
            skaddr = batch.column(skaddrAt);
            pid = batch.column(pidAt);
            comm = batch.column(commAt);
            family = SelectedColumns.column(batch, familyAt);
            laddr = batch.column(laddrAt);
            lport = batch.column(lportAt);
            raddr = batch.column(raddrAt);
            rport = batch.column(rportAt);
            oldstate = batch.column(oldstateAt);
            newstate = batch.column(newstateAt);
            ns = batch.column(nsAt);
            netns = SelectedColumns.column(batch, netnsAt);
            cgroup = SelectedColumns.column(batch, cgroupAt);
            for (int i = 0; i < batch.rows(); i++) {
                line(i);
            }
        }

        /** bcc: delta_us = ns / 1000 (whole microseconds), printed as delta_us / 1000.0 */
        private long us(int i) {
            return ns.getLong(i) / 1000;
        }

        /**
         * One line, as -s prints it or as text. One method for both on purpose: at over 325
         * bytes of bytecode the JIT does not inline it into the batch loop, so it compiles the
         * line once; inlined, it compiled it again with the loop (bench/RESULTS.md has the cost).
         */
        private void line(int i) {
            if (options.csv()) {
                timePrefix(line, ts, i, ',');
                line.hex(skaddr.getLong(i), 0)
                        .ch(',')
                        .number(pid.getLong(i), 0, true)
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
                        .text(oldstate, i, 0, -1)
                        .ch(',')
                        .text(newstate, i, 0, -1)
                        .ch(',')
                        .fixed(us(i), 3, 0, true);
                line.endLine();
                return;
            }
            timePrefix(line, ts, i, ' ');
            line.hex(skaddr.getLong(i), 16)
                    .ch(' ')
                    .number(pid.getLong(i), 7, true)
                    .ch(' ')
                    .text(comm, i, text, wide ? -1 : text)
                    .ch(' ');
            if (wide) {
                line.number(family.getLong(i) == 10 ? 6 : 4, 2, true).ch(' ');
            }
            line.text(laddr, i, address, -1)
                    .ch(' ')
                    .number(lport.getLong(i), 5, true)
                    .ch(' ')
                    .text(raddr, i, address, -1)
                    .ch(' ')
                    .number(rport.getLong(i), 5, true)
                    .ch(' ')
                    .text(oldstate, i, 11, -1)
                    .ascii(" -> ")
                    .text(newstate, i, 11, -1)
                    .ch(' ')
                    .fixed(us(i), 3, 0, true);
            if (options.extended) {
                line.ch(' ');
                nullableNumber(line, netns, i, 10).ch(' ');
                nullableUnsigned(line, cgroup, i);
            }
            line.endLine();
        }
    }

    /** Time order: a trace is stored in it and DuckDB keeps a plain scan in file order. */
    private static String order(TraceDatabase db) {
        return db.scansInTimeOrder() ? "" : " ORDER BY time, filename, seq";
    }

    private void printHeader(boolean wide) {
        if (options.csv()) {
            out.println(headerTimePrefix() + "SKADDR,C-PID,C-COMM,IP,LADDR,LPORT,RADDR,RPORT,OLDSTATE,NEWSTATE,MS");
            return;
        }
        StringBuilder h = new StringBuilder(headerTimePrefix());
        if (wide) {
            h.append(String.format(
                    Locale.ROOT,
                    "%-16s %-7s %-16s %-2s %-39s %-5s %-39s %-5s %-11s -> %-11s %s",
                    "SKADDR",
                    "PID",
                    "COMM",
                    "IP",
                    "LADDR",
                    "LPORT",
                    "RADDR",
                    "RPORT",
                    "OLDSTATE",
                    "NEWSTATE",
                    "MS"));
        } else {
            h.append(String.format(
                    Locale.ROOT,
                    "%-16s %-7s %-10s %-15s %-5s %-15s %-5s %-11s -> %-11s %s",
                    "SKADDR",
                    "PID",
                    "COMM",
                    "LADDR",
                    "LPORT",
                    "RADDR",
                    "RPORT",
                    "OLDSTATE",
                    "NEWSTATE",
                    "MS"));
        }
        if (options.extended) {
            h.append(String.format(Locale.ROOT, " %-10s %s", "NETNS", "CGROUP"));
        }
        out.println(h);
    }
}
