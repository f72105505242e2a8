package org.tcprec.analyzer.report;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.tcprec.analyzer.db.TraceDatabase;
import picocli.CommandLine.Command;

@Command(name = "tcpstates", mixinStandardHelpOptions = true,
        description = {"Every TCP state change with the time spent in the old state, as bcc's tcpstates prints it.",
            "Columns and widths follow libbpf-tools' tcpstates; -t and -s (which only bcc's Python tcpstates has) "
                + "follow the Python tool."})
public final class TcpStatesCommand extends ReplayCommand {
    private static final String QUERY = "SELECT * FROM state_changes WHERE " + ReportOptions.FILTER_SQL
            + " ORDER BY time, filename, seq";

    @Override
    protected void report(TraceDatabase db) {
        boolean wide = options.wide || options.extended;
        if (!options.json) {
            printHeader(wide);
        }
        Rows.query(db, QUERY, options.filterParameters(), rs -> {
            if (options.json) {
                printJson(rs);
            } else if (options.csv) {
                printCsv(rs);
            } else {
                printRow(rs, wide);
            }
        });
    }

    private void printHeader(boolean wide) {
        StringBuilder h = new StringBuilder();
        if (options.csv) {
            if (options.time) {
                h.append("TIME,");
            }
            if (options.timestamp) {
                h.append("TIME(s),");
            }
            out.println(h + "SKADDR,C-PID,C-COMM,IP,LADDR,LPORT,RADDR,RPORT,OLDSTATE,NEWSTATE,MS");
            return;
        }
        if (options.time) {
            h.append(String.format("%-8s ", "TIME(s)")); // sic: libbpf-tools' label for its HH:MM:SS column
        }
        if (options.timestamp) {
            h.append(String.format("%-9s ", "TIME(s)"));
        }
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

    /** bcc: delta_us = ns / 1000 (integer), printed as delta_us / 1000.0 with three decimals. */
    private static String ms(ResultSet rs) throws SQLException {
        return CFormat.fixed((rs.getLong("ns_in_oldstate") / 1000) / 1000.0, 3);
    }

    private static long skaddr(ResultSet rs) throws SQLException {
        Object v = rs.getObject("skaddr");
        return v instanceof BigInteger b ? b.longValue() : v == null ? 0 : ((Number) v).longValue();
    }

    private void printRow(ResultSet rs, boolean wide) throws SQLException {
        StringBuilder line = new StringBuilder();
        long ts = rs.getLong("ts_ns");
        if (options.time) {
            line.append(String.format("%8s ", clock.hms(ts)));
        }
        if (options.timestamp) {
            line.append(String.format("%-9s ", secondsSinceFirst(ts)));
        }
        if (wide) {
            line.append(String.format("%-16s %-7d %-16s %-2d %-39s %-5d %-39s %-5d %-11s -> %-11s %s", hex(skaddr(rs)),
                    rs.getInt("tgid"), rs.getString("comm"), rs.getInt("family") == 10 ? 6 : 4, rs.getString("laddr"),
                    rs.getInt("lport"), rs.getString("raddr"), rs.getInt("rport"), rs.getString("oldstate"),
                    rs.getString("newstate"), ms(rs)));
        } else {
            line.append(String.format("%-16s %-7d %-10.10s %-15s %-5d %-15s %-5d %-11s -> %-11s %s", hex(skaddr(rs)),
                    rs.getInt("tgid"), rs.getString("comm"), rs.getString("laddr"), rs.getInt("lport"),
                    rs.getString("raddr"), rs.getInt("rport"), rs.getString("oldstate"), rs.getString("newstate"),
                    ms(rs)));
        }
        if (options.extended) {
            line.append(String.format(" %-10s %s", TcpLifeCommand.nullable(rs, "netns"),
                    TcpLifeCommand.nullable(rs, "cgroup_id")));
        }
        out.println(line);
    }

    private void printCsv(ResultSet rs) throws SQLException {
        StringBuilder line = new StringBuilder();
        long ts = rs.getLong("ts_ns");
        if (options.time) {
            line.append(clock.hms(ts)).append(',');
        }
        if (options.timestamp) {
            line.append(secondsSinceFirst(ts)).append(',');
        }
        line.append(String.format("%s,%d,%s,%s,%s,%d,%s,%d,%s,%s,%s", hex(skaddr(rs)), rs.getInt("tgid"),
                rs.getString("comm"), rs.getInt("family") == 10 ? "6" : "4", rs.getString("laddr"), rs.getInt("lport"),
                rs.getString("raddr"), rs.getInt("rport"), rs.getString("oldstate"), rs.getString("newstate"), ms(rs)));
        out.println(line);
    }
}
