package org.tcprec.analyzer.report;

import org.tcprec.analyzer.db.TraceDatabase;
import picocli.CommandLine.Command;

@Command(name = "tcpstates", mixinStandardHelpOptions = true,
        description = {"Every TCP state change with the time spent in the old state, as bcc's tcpstates prints it.",
            "Columns and widths follow libbpf-tools' tcpstates; -t and -s (which only bcc's Python tcpstates has) "
                + "follow the Python tool."})
public final class TcpStatesCommand extends ReplayCommand {
    /** bcc: delta_us = ns / 1000 (whole microseconds), printed as delta_us / 1000.0 with three decimals. */
    private static final String MS = "(ns_in_oldstate // 1000) / 1000.0";
    private static final String IP = "CASE WHEN family = 10 THEN 6 ELSE 4 END";
    private static final String EXTENDED = " || printf(' %-10s %s', coalesce(CAST(netns AS VARCHAR), '-'), "
            + "coalesce(CAST(cgroup_id AS VARCHAR), '-'))";

    @Override
    protected void report(TraceDatabase db) {
        boolean wide = options.wide || options.extended;
        if (options.json) {
            Rows.query(db, "SELECT * FROM state_changes WHERE " + ReportOptions.FILTER_SQL + order(db),
                    options.filterParameters(), this::printJson);
            return;
        }
        printHeader(wide);
        String line;
        if (options.csv) {
            line = timePrefixSql("time", "ts_ns", ",") + " || printf('%x,%d,%s,%s,%s,%d,%s,%d,%s,%s,%.3f', skaddr, tgid, "
                    + "comm, CAST(" + IP + " AS VARCHAR), laddr, lport, raddr, rport, oldstate, newstate, " + MS + ")";
        } else if (wide) {
            line = timePrefixSql("time", "ts_ns", " ") + " || printf('%-16x %-7d %-16s %-2d %-39s %-5d %-39s %-5d %-11s -> "
                    + "%-11s %.3f', skaddr, tgid, comm, " + IP + ", laddr, lport, raddr, rport, oldstate, newstate, " + MS + ")"
                    + (options.extended ? EXTENDED : "");
        } else {
            line = timePrefixSql("time", "ts_ns", " ") + " || printf('%-16x %-7d %-10.10s %-15s %-5d %-15s %-5d %-11s -> "
                    + "%-11s %.3f', skaddr, tgid, comm, laddr, lport, raddr, rport, oldstate, newstate, " + MS + ")";
        }
        streamLines(db, "SELECT " + line + " FROM state_changes WHERE " + ReportOptions.FILTER_SQL + order(db),
                options.filterParameters());
    }

    private static String order(TraceDatabase db) {
        return " ORDER BY time, " + db.byFile() + "seq";
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
