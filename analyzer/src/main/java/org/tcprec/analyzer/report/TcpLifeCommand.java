package org.tcprec.analyzer.report;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.tcprec.analyzer.db.ColumnBatches;
import org.tcprec.analyzer.db.TraceDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tcplife", mixinStandardHelpOptions = true,
        description = {"TCP connection lifespans with bytes sent and received, as bcc's tcplife prints them.",
            "Columns and widths follow libbpf-tools' tcplife; -t and -s (which only bcc's Python tcplife has) "
                + "follow the Python tool."})
public final class TcpLifeCommand extends ReplayCommand {
    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Only connections of this process.")
    int pid;

    @Option(names = "--partial",
            description = "Also show connections open when the recording began or still open when it ended "
                    + "(bcc cannot see those), marked in a NOTE column.")
    boolean partial;

    // A connection still open at the end is shown at the recording's end; one open at the start
    // from the first change seen: the part of the lifespan the recording saw. bcc truncates the
    // span to whole microseconds.
    private static final String QUERY = "SELECT c.*, coalesce(close_ns, recording_end_ns, last_ns) AS event_ns, "
            + "make_timestamp_ns(coalesce(close_ns, recording_end_ns, last_ns)) AS event_time, "
            + "coalesce(span_us, (coalesce(close_ns, recording_end_ns, last_ns) - coalesce(start_ns, first_ns)) // 1000) "
            + "AS shown_us, "
            + "CASE WHEN open_at_start AND open_at_stop THEN 'open-throughout' WHEN open_at_start THEN 'open-at-start' "
            + "WHEN open_at_stop THEN 'open-at-stop' WHEN complete THEN '-' ELSE 'no-start-seen' END AS note "
            + "FROM connections c WHERE (complete OR ?) AND " + ReportOptions.FILTER_SQL
            + " AND (? = 0 OR (CASE WHEN ? THEN owner_pid ELSE pid END) = ?)";

    @Override
    protected void report(TraceDatabase db) {
        int width = options.wide || options.extended ? 39 : 15;
        Object[] parameters = Rows.concat(new Object[] {partial}, options.filterParameters());
        parameters = Rows.concat(parameters, pid, options.extended, pid);
        if (options.json) {
            Rows.query(db, QUERY + order(db), parameters, this::printJson);
            return;
        }
        printHeader(width);
        String p = options.extended ? "owner_" : "";
        SelectedColumns selected = new SelectedColumns();
        int pidAt = selected.add(p + "pid");
        int commAt = selected.add(p + "comm");
        int laddrAt = selected.add("laddr");
        int lportAt = selected.add("lport");
        int raddrAt = selected.add("raddr");
        int rportAt = selected.add("rport");
        int txAt = selected.add("tx_bytes");
        int rxAt = selected.add("rx_bytes");
        int shownAt = selected.add("shown_us");
        int tsAt = selected.addIf(options.time || options.timestamp, "event_ns");
        int familyAt = selected.addIf(options.csv, "family");
        int netnsAt = selected.addIf(options.extended, "netns");
        int cgroupAt = selected.addIf(options.extended, "cgroup_id");
        int noteAt = selected.addIf(partial, "note");
        LineBuffer line = new LineBuffer(out);
        char separator = options.csv ? ',' : ' ';
        eachBatch(db, "SELECT " + selected.list() + " FROM (" + QUERY + ")" + order(db), parameters, batch -> {
            ColumnBatches.Column ts = SelectedColumns.column(batch, tsAt);
            ColumnBatches.Column owner = batch.column(pidAt);
            ColumnBatches.Column comm = batch.column(commAt);
            ColumnBatches.Column family = SelectedColumns.column(batch, familyAt);
            ColumnBatches.Column laddr = batch.column(laddrAt);
            ColumnBatches.Column lport = batch.column(lportAt);
            ColumnBatches.Column raddr = batch.column(raddrAt);
            ColumnBatches.Column rport = batch.column(rportAt);
            ColumnBatches.Column tx = batch.column(txAt);
            ColumnBatches.Column rx = batch.column(rxAt);
            ColumnBatches.Column shown = batch.column(shownAt);
            ColumnBatches.Column note = SelectedColumns.column(batch, noteAt);
            for (int i = 0; i < batch.rows(); i++) {
                timePrefix(line, ts, i, separator);
                // bcc prints the span as us / 1000.0 with two decimals, rounded as C rounds the double
                long ms = LineBuffer.roundedQuotient(shown.getLong(i), 1000, 2);
                if (options.csv) {
                    // bcc's Python tcplife: whole KB (Python's %d of a float truncates), an IP column
                    line.number(owner.getLong(i), 0, true).ch(',').text(comm, i, 0, -1).ch(',')
                            .ch(family.getLong(i) == 10 ? '6' : '4').ch(',').text(laddr, i, 0, -1).ch(',')
                            .number(lport.getLong(i), 0, true).ch(',').text(raddr, i, 0, -1).ch(',')
                            .number(rport.getLong(i), 0, true).ch(',').number(tx.getLong(i) / 1024, 0, true).ch(',')
                            .number(rx.getLong(i) / 1024, 0, true).ch(',').fixed(ms, 2, 0, true);
                    if (partial) {
                        line.ch(',').text(note, i, 0, -1);
                    }
                } else {
                    line.number(owner.getLong(i), 7, true).ch(' ').text(comm, i, 16, -1).ch(' ')
                            .text(laddr, i, width, -1).ch(' ').number(lport.getLong(i), 5, true).ch(' ')
                            .text(raddr, i, width, -1).ch(' ').number(rport.getLong(i), 5, true).ch(' ')
                            .fixed(LineBuffer.roundedBinaryQuotient(tx.getLong(i), 10, 2), 2, 6, true).ch(' ')
                            .fixed(LineBuffer.roundedBinaryQuotient(rx.getLong(i), 10, 2), 2, 6, true).ch(' ');
                    if (options.extended) {
                        line.fixed(ms, 2, 10, true).ch(' ');
                        nullableNumber(line, batch.column(netnsAt), i, 10).ch(' ');
                        nullableUnsigned(line, batch.column(cgroupAt), i);
                    } else {
                        line.fixed(ms, 2, 0, true);
                    }
                    if (partial) {
                        line.ch(' ').text(note, i, 0, -1);
                    }
                }
                line.endLine();
            }
        });
        line.finish();
    }

    private static String order(TraceDatabase db) {
        return " ORDER BY event_ns, first_ns, " + db.byFile() + "skaddr";
    }

    private void printHeader(int width) {
        if (options.csv) {
            out.println(headerTimePrefix() + "PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS" + (partial ? ",NOTE" : ""));
            return;
        }
        StringBuilder h = new StringBuilder(headerTimePrefix());
        h.append(String.format("%-7s %-16s %-" + width + "s %-5s %-" + width + "s %-5s %-6s %-6s ", "PID", "COMM",
                "LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB"));
        h.append(options.extended ? String.format("%-10s %-10s %s", "MS", "NETNS", "CGROUP") : "MS");
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
