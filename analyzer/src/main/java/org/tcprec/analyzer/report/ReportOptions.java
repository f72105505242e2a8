package org.tcprec.analyzer.report;

import java.util.ArrayList;
import java.util.List;
import org.tcprec.cli.support.PortListConverter;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What the replayed bcc tools share: the trace, bcc's output flags, bcc's filters. */
public final class ReportOptions {
    @Parameters(index = "0", arity = "1..*", paramLabel = "TRACE",
            description = "Trace file(s), or a quoted glob; rows of several files are merged in time order.")
    public List<String> traces = new ArrayList<>();

    @Option(names = {"-T", "--time"}, description = "Include a time column (HH:MM:SS of the event, in the recording host's time zone).")
    public boolean time;

    @Option(names = {"-t", "--timestamp"}, description = "Include a timestamp column (seconds since the first row printed).")
    public boolean timestamp;

    @Option(names = {"-w", "--wide"}, description = "Wide column output (fits IPv6 addresses).")
    public boolean wide;

    @Option(names = {"-s", "--csv"}, description = "Comma separated values output, as bcc's Python tools print it.")
    public boolean csv;

    @Option(names = "--json", description = "One JSON object per row (the report's view columns).")
    public boolean json;

    @Option(names = {"-x", "--extended"},
            description = "Extended output: full-width addresses, network namespace and cgroup columns, "
                    + "and the best process attribution the whole timeline allows.")
    public boolean extended;

    @Option(names = "-4", description = "IPv4 only.")
    public boolean ipv4;

    @Option(names = "-6", description = "IPv6 only.")
    public boolean ipv6;

    @Option(names = {"-L", "--localport"}, paramLabel = "PORTS", converter = PortListConverter.class,
            description = "Only these local ports (comma list).")
    public List<Integer> localPorts = new ArrayList<>();

    @Option(names = {"-D", "--remoteport"}, paramLabel = "PORTS", converter = PortListConverter.class,
            description = "Only these remote ports (comma list).")
    public List<Integer> remotePorts = new ArrayList<>();

    public int family() {
        if (ipv4 && ipv6) {
            throw new UserError("-4 and -6 exclude each other");
        }
        return ipv4 ? 2 : ipv6 ? 10 : 0;
    }

    public void checkOutputFlags() {
        if (csv && json) {
            throw new UserError("-s/--csv and --json exclude each other");
        }
    }

    /** The port list as a query parameter: comma-separated, "" for no filter. */
    public static String portsParameter(List<Integer> ports) {
        StringBuilder s = new StringBuilder();
        for (Integer p : ports) {
            s.append(s.length() > 0 ? "," : "").append(p);
        }
        return s.toString();
    }

    /** The SQL condition for the family and port filters; takes {@link #bindFilters} parameters. */
    public static final String FILTER_SQL = "(? = 0 OR family = ?) "
            + "AND (? = '' OR list_contains(string_split(?, ',')::INTEGER[], lport)) "
            + "AND (? = '' OR list_contains(string_split(?, ',')::INTEGER[], rport))";

    public Object[] filterParameters() {
        int family = family();
        String l = portsParameter(localPorts);
        String r = portsParameter(remotePorts);
        return new Object[] {family, family, l, l, r, r};
    }
}
