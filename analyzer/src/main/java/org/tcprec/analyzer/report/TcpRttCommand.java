package org.tcprec.analyzer.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.tcprec.analyzer.trace.TraceDatabase;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tcprtt",
        mixinStandardHelpOptions = true,
        description = {
            "Smoothed RTT histogram from tcp_probe, as libbpf-tools' tcprtt prints it, and a "
                    + "per-connection summary (--connections).",
            "bcc samples srtt on every received segment; a trace holds what the recording kept of tcp_probe "
                    + "(by default at most one per socket per 10 ms), which the output states."
        })
public final class TcpRttCommand extends ReplayCommand {
    private static final int MAX_SLOTS = 27;

    @Option(
            names = {"-m", "--milliseconds"},
            description = "Histogram in milliseconds.")
    boolean milliseconds;

    @ArgGroup(exclusive = true)
    ByAddress by;

    /** -b and -B exclude each other, as in libbpf-tools' tcprtt. */
    static final class ByAddress {
        @Option(
                names = {"-b", "--byladdr"},
                required = true,
                description = "One histogram per local address.")
        boolean local;

        @Option(
                names = {"-B", "--byraddr"},
                required = true,
                description = "One histogram per remote address.")
        boolean remote;
    }

    @Option(
            names = {"-e", "--extension"},
            description = "Show the average srtt of each histogram.")
    boolean average;

    @Option(names = "--connections", description = "Instead: one line per connection with its srtt samples.")
    boolean connections;

    private static final String HISTOGRAMS = "SELECT CASE WHEN ? THEN laddr WHEN ? THEN raddr ELSE '' END AS address, "
            + "CASE WHEN ? THEN srtt_us // 1000 ELSE srtt_us END AS v FROM probes WHERE " + ReportOptions.FILTER_SQL;

    private static final String PER_CONNECTION = "SELECT family, laddr, lport, raddr, rport, count(*) AS samples, "
            + "min(srtt_us) AS min_us, avg(srtt_us) AS avg_us, max(srtt_us) AS max_us, min(ts_ns) AS first_ns "
            + "FROM probes WHERE " + ReportOptions.FILTER_SQL
            + " GROUP BY filename, skaddr, family, laddr, lport, raddr, rport ORDER BY first_ns, laddr, lport";

    @Override
    protected void report(TraceDatabase db) {
        long interval = db.footers().get(0).metadata().probeIntervalNs();
        if (interval > 0 && !options.json()) {
            note("NOTE: tcp_probe was sampled while recording: at most one srtt sample per socket per "
                    + CFormat.fixed(interval / 1e6, 3) + " ms");
        }
        if (connections) {
            perConnection(db);
            return;
        }
        String sql = "SELECT address, v, count(*) AS n, sum(v) AS total FROM (" + HISTOGRAMS + ") GROUP BY address, v "
                + "ORDER BY address, v";
        Object[] parameters = Rows.concat(
                new Object[] {by != null && by.local, by != null && by.remote, milliseconds},
                options.filterParameters());
        String[] current = {null};
        long[][] hist = {new long[MAX_SLOTS]};
        long[] sums = new long[2];
        Rows.query(db, sql, parameters, rs -> {
            String address = text(rs, "address");
            if (current[0] != null && !current[0].equals(address)) {
                printHistogram(current[0], hist[0], sums);
                hist[0] = new long[MAX_SLOTS];
                sums[0] = 0;
                sums[1] = 0;
            }
            current[0] = address;
            long v = rs.getLong("v");
            long n = rs.getLong("n");
            hist[0][slot(v)] += n;
            sums[0] += rs.getLong("total");
            sums[1] += n;
        });
        if (current[0] != null) {
            printHistogram(current[0], hist[0], sums);
        }
    }

    /** bcc: floor(log2(v)), log2(0) = 0, clamped to the last slot. */
    static int slot(long v) {
        int s = v <= 0 ? 0 : 63 - Long.numberOfLeadingZeros(v);
        return Math.min(s, MAX_SLOTS - 1);
    }

    private void printHistogram(String address, long[] hist, long[] sums) {
        out.println();
        if (by != null && by.local) {
            out.print("Local Address = " + address + " ");
        } else if (by != null && by.remote) {
            out.print("Remote Address = " + address + " ");
        } else {
            out.print("All Addresses = ****** ");
        }
        if (average && sums[1] > 0) {
            out.print("[AVG " + (sums[0] / sums[1]) + "]");
        }
        out.println();
        printLog2Histogram(hist, milliseconds ? "msecs" : "usecs");
    }

    /** libbpf-tools' print_log2_hist layout for up to 32 slots. */
    void printLog2Histogram(long[] vals, String unit) {
        int idxMax = -1;
        long valMax = 0;
        for (int i = 0; i < vals.length; i++) {
            if (vals[i] > 0) {
                idxMax = i;
            }
            valMax = Math.max(valMax, vals[i]);
        }
        if (idxMax < 0) {
            return;
        }
        out.printf(Locale.ROOT, "%5s%-19s : count    distribution%n", "", unit);
        for (int i = 0; i <= idxMax; i++) {
            long low = (1L << (i + 1)) >> 1;
            long high = (1L << (i + 1)) - 1;
            if (low == high) {
                low -= 1;
            }
            int stars = (int) (Math.min(vals[i], valMax) * 40 / valMax);
            out.printf(
                    Locale.ROOT,
                    "%10d -> %-10d : %-8d |%s%s|%n",
                    low,
                    high,
                    vals[i],
                    "*".repeat(stars),
                    " ".repeat(40 - stars));
        }
    }

    private void perConnection(TraceDatabase db) {
        if (!options.json()) {
            out.printf(
                    Locale.ROOT,
                    "%-30s %-30s %8s %10s %10s %10s%n",
                    "LADDR:LPORT",
                    "RADDR:RPORT",
                    "SAMPLES",
                    "MIN(us)",
                    "AVG(us)",
                    "MAX(us)");
        }
        printRows(db, PER_CONNECTION, options.filterParameters(), this::printConnection);
    }

    private void printConnection(ResultSet rs) throws SQLException {
        int family = rs.getInt("family");
        out.printf(
                Locale.ROOT,
                "%-30s %-30s %8d %10d %10s %10d%n",
                PrintCommand.endpoint(text(rs, "laddr"), rs.getInt("lport"), family),
                PrintCommand.endpoint(text(rs, "raddr"), rs.getInt("rport"), family),
                rs.getLong("samples"),
                rs.getLong("min_us"),
                CFormat.fixed(rs.getDouble("avg_us"), 1),
                rs.getLong("max_us"));
    }
}
