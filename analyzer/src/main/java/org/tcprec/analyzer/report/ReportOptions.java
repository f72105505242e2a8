package org.tcprec.analyzer.report;

import java.util.ArrayList;
import java.util.List;
import org.tcprec.cli.support.AddressFamily;
import org.tcprec.cli.support.PortListConverter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What the replayed bcc tools share: the trace, bcc's output flags, bcc's filters. */
public final class ReportOptions {
    @Parameters(
            index = "0",
            arity = "1..*",
            paramLabel = "TRACE",
            description = "Trace file(s), or a quoted glob; rows of several files are merged in time order.")
    public List<String> traces = new ArrayList<>();

    @Option(
            names = {"-T", "--time"},
            description = "Include a time column (HH:MM:SS of the event, in the recording host's time zone).")
    public boolean time;

    @Option(
            names = {"-t", "--timestamp"},
            description = "Include a timestamp column (seconds since the first row printed).")
    public boolean timestamp;

    @Option(
            names = {"-w", "--wide"},
            description = "Wide column output (fits IPv6 addresses).")
    public boolean wide;

    @ArgGroup(exclusive = true)
    Output output;

    /** -s/--csv and --json exclude each other. */
    static final class Output {
        @Option(
                names = {"-s", "--csv"},
                required = true,
                description = "Comma separated values output, as bcc's Python tools print it.")
        boolean csv;

        @Option(names = "--json", required = true, description = "One JSON object per row (the report's view columns).")
        boolean json;
    }

    @Option(
            names = {"-x", "--extended"},
            description = "Extended output: full-width addresses, network namespace and cgroup columns, "
                    + "and the best process attribution the whole timeline allows.")
    public boolean extended;

    @ArgGroup(exclusive = true)
    AddressFamily family;

    @Option(
            names = {"-L", "--localport"},
            paramLabel = "PORTS",
            converter = PortListConverter.class,
            description = "Only these local ports (comma list).")
    public List<Integer> localPorts = new ArrayList<>();

    @Option(
            names = {"-D", "--remoteport"},
            paramLabel = "PORTS",
            converter = PortListConverter.class,
            description = "Only these remote ports (comma list).")
    public List<Integer> remotePorts = new ArrayList<>();

    public boolean csv() {
        return output != null && output.csv;
    }

    public boolean json() {
        return output != null && output.json;
    }

    public int family() {
        return AddressFamily.of(family);
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
