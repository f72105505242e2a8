package org.tcprec.analyzer.report;

import org.tcprec.analyzer.db.ColumnBatches;
import org.tcprec.analyzer.db.TraceDatabase;
import picocli.CommandLine.Command;

@Command(name = "tcpstates", mixinStandardHelpOptions = true,
        description = {"Every TCP state change with the time spent in the old state, as bcc's tcpstates prints it.",
            "Columns and widths follow libbpf-tools' tcpstates; -t and -s (which only bcc's Python tcpstates has) "
                + "follow the Python tool."})
public final class TcpStatesCommand extends ReplayCommand {
    @Override
    protected void report(TraceDatabase db) {
        boolean wide = options.wide || options.extended;
        if (options.json) {
            Rows.query(db, "SELECT * FROM state_changes WHERE " + ReportOptions.FILTER_SQL + order(db),
                    options.filterParameters(), this::printJson);
            return;
        }
        printHeader(wide);
        LineBuffer line = new LineBuffer(out);
        int text = wide ? 16 : 10;
        int address = wide ? 39 : 15;
        SelectedColumns selected = new SelectedColumns();
        int skaddrAt = selected.add("skaddr");
        int pidAt = selected.add("tgid");
        int commAt = selected.add("comm");
        int laddrAt = selected.add("laddr");
        int lportAt = selected.add("lport");
        int raddrAt = selected.add("raddr");
        int rportAt = selected.add("rport");
        int oldstateAt = selected.add("oldstate");
        int newstateAt = selected.add("newstate");
        int nsAt = selected.add("ns_in_oldstate");
        int tsAt = selected.addIf(options.time || options.timestamp, "ts_ns");
        int familyAt = selected.addIf(wide || options.csv, "family");
        int netnsAt = selected.addIf(options.extended, "netns");
        int cgroupAt = selected.addIf(options.extended, "cgroup_id");
        String query = "SELECT " + selected.list() + " FROM state_changes WHERE " + ReportOptions.FILTER_SQL + order(db);
        eachBatch(db, query, options.filterParameters(), batch -> {
            ColumnBatches.Column ts = SelectedColumns.column(batch, tsAt);
            ColumnBatches.Column skaddr = batch.column(skaddrAt);
            ColumnBatches.Column pid = batch.column(pidAt);
            ColumnBatches.Column comm = batch.column(commAt);
            ColumnBatches.Column family = SelectedColumns.column(batch, familyAt);
            ColumnBatches.Column laddr = batch.column(laddrAt);
            ColumnBatches.Column lport = batch.column(lportAt);
            ColumnBatches.Column raddr = batch.column(raddrAt);
            ColumnBatches.Column rport = batch.column(rportAt);
            ColumnBatches.Column oldstate = batch.column(oldstateAt);
            ColumnBatches.Column newstate = batch.column(newstateAt);
            ColumnBatches.Column ns = batch.column(nsAt);
            for (int i = 0; i < batch.rows(); i++) {
                timePrefix(line, ts, i, options.csv ? ',' : ' ');
                // bcc: delta_us = ns / 1000 (whole microseconds), printed as delta_us / 1000.0
                long us = ns.getLong(i) / 1000;
                if (options.csv) {
                    line.hex(skaddr.getLong(i), 0).ch(',').number(pid.getLong(i), 0, true).ch(',')
                            .text(comm, i, 0, -1).ch(',').ch(family.getLong(i) == 10 ? '6' : '4').ch(',')
                            .text(laddr, i, 0, -1).ch(',').number(lport.getLong(i), 0, true).ch(',')
                            .text(raddr, i, 0, -1).ch(',').number(rport.getLong(i), 0, true).ch(',')
                            .text(oldstate, i, 0, -1).ch(',').text(newstate, i, 0, -1).ch(',').fixed(us, 3, 0, true);
                } else {
                    line.hex(skaddr.getLong(i), 16).ch(' ').number(pid.getLong(i), 7, true).ch(' ')
                            .text(comm, i, text, wide ? -1 : text).ch(' ');
                    if (wide) {
                        line.number(family.getLong(i) == 10 ? 6 : 4, 2, true).ch(' ');
                    }
                    line.text(laddr, i, address, -1).ch(' ').number(lport.getLong(i), 5, true).ch(' ')
                            .text(raddr, i, address, -1).ch(' ').number(rport.getLong(i), 5, true).ch(' ')
                            .text(oldstate, i, 11, -1).ascii(" -> ").text(newstate, i, 11, -1).ch(' ')
                            .fixed(us, 3, 0, true);
                    if (options.extended) {
                        line.ch(' ');
                        nullableNumber(line, batch.column(netnsAt), i, 10).ch(' ');
                        nullableUnsigned(line, batch.column(cgroupAt), i);
                    }
                }
                line.endLine();
            }
        });
        line.finish();
    }

    /** Time order: a trace is stored in it and DuckDB keeps a plain scan in file order. */
    private static String order(TraceDatabase db) {
        return db.scansInTimeOrder() ? "" : " ORDER BY time, filename, seq";
    }

    private void printHeader(boolean wide) {
        if (options.csv) {
            out.println(headerTimePrefix() + "SKADDR,C-PID,C-COMM,IP,LADDR,LPORT,RADDR,RPORT,OLDSTATE,NEWSTATE,MS");
            return;
        }
        StringBuilder h = new StringBuilder(headerTimePrefix());
        if (wide) {
            h.append(String.format("%-16s %-7s %-16s %-2s %-39s %-5s %-39s %-5s %-11s -> %-11s %s", "SKADDR", "PID",
                    "COMM", "IP", "LADDR", "LPORT", "RADDR", "RPORT", "OLDSTATE", "NEWSTATE", "MS"));
        } else {
            h.append(String.format("%-16s %-7s %-10s %-15s %-5s %-15s %-5s %-11s -> %-11s %s", "SKADDR", "PID", "COMM",
                    "LADDR", "LPORT", "RADDR", "RPORT", "OLDSTATE", "NEWSTATE", "MS"));
        }
        if (options.extended) {
            h.append(String.format(" %-10s %s", "NETNS", "CGROUP"));
        }
        out.println(h);
    }
}
