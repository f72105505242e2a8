package org.tcprec.analyzer.diff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.tcprec.analyzer.Warnings;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.DurationConverter;
import org.tcprec.cli.support.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Compare two recordings (two kernels, two configurations, before and after a change): "
                    + "their context side by side, and TCP metrics normalised per second, per connection and per MB, "
                    + "each with a test that tells a change from noise.",
            "Exit code 3 when a --fail-on condition fires, for use as a CI gate."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  tcprec diff k6.1.parquet k6.18.parquet          the same workload recorded on two kernels",
            "  tcprec diff k6.1.parquet k6.18.parquet --by rport --markdown"
        })
public final class DiffCommand implements Callable<Integer> {
    /** Groups measured for --by before the biggest changes are picked from them. */
    private static final int GROUP_CANDIDATES = 50;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BEFORE", description = "The reference trace.")
    Path before;

    @Parameters(index = "1", paramLabel = "AFTER", description = "The trace compared with it.")
    Path after;

    @Option(
            names = "--by",
            paramLabel = "rport|raddr|comm",
            description = "Also break the connection metrics down by remote port, remote address or command; "
                    + "the groups with the biggest changes first.")
    String by;

    @Option(
            names = "--top",
            paramLabel = "N",
            defaultValue = "10",
            description = "Groups shown with --by (default ${DEFAULT-VALUE}).")
    int top;

    @ArgGroup(exclusive = true)
    Format format;

    static final class Format {
        @Option(names = "--json", required = true, description = "One JSON document instead of text.")
        boolean json;

        @Option(names = "--markdown", required = true, description = "Markdown tables, to paste into a bug report.")
        boolean markdown;
    }

    @Option(
            names = "--fail-on",
            paramLabel = "CONDITIONS",
            description = "Comma-separated METRIC>CHANGE or METRIC<CHANGE, e.g. 'retransmits_per_conn>+20%%,"
                    + "connect_p99>+5ms'. Exit 3 when one fires: its change passes the limit and is beyond noise.")
    String failOn;

    @Option(
            names = "--min-change",
            paramLabel = "PERCENT",
            defaultValue = "10",
            description = "Smallest relative change reported as beyond noise, in percent (default ${DEFAULT-VALUE}).")
    double minChangePercent;

    @Option(
            names = "--min-time-change",
            paramLabel = "DURATION",
            defaultValue = "5ms",
            converter = DurationConverter.class,
            description = "Smallest change of a time metric reported as beyond noise (default ${DEFAULT-VALUE}).")
    long minTimeChangeNs;

    @Option(
            names = "--confidence",
            paramLabel = "PERCENT",
            defaultValue = "99",
            description = "Confidence of the tests, in percent, for each table's tests taken together "
                    + "(Benjamini-Hochberg; default ${DEFAULT-VALUE}).")
    double confidencePercent;

    @Override
    public Integer call() {
        Measurement.Dimension dimension = dimension();
        List<Threshold> thresholds = thresholds();
        if (top < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1");
        }
        if (!(confidencePercent > 50 && confidencePercent < 100) || minChangePercent < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--confidence must be between 50 and 100 (exclusive), --min-change at least 0");
        }
        NoiseFloor floor = new NoiseFloor(confidencePercent / 100, minChangePercent / 100, minTimeChangeNs);
        try (TraceDatabase a = TraceDatabase.open(List.of(before));
                TraceDatabase b = TraceDatabase.open(List.of(after))) {
            // Traces of different format versions compare like any two: every version the reader
            // takes gives the same views (TraceDatabase), and the context names both versions.
            Warnings.print(a, spec.commandLine().getErr());
            Warnings.print(b, spec.commandLine().getErr());
            Measurement ma = Measurement.of(a, dimension);
            Measurement mb = Measurement.of(b, dimension);
            DiffResult result = new DiffResult(
                    ContextRow.compare(ma, mb),
                    compareAll(ma.totals, mb.totals, floor),
                    dimension == null ? null : dimension.name().toLowerCase(Locale.ROOT),
                    dimension == null ? List.of() : groups(ma, mb, floor),
                    floor,
                    thresholds);
            DiffRenderer renderer = new DiffRenderer(result, spec.commandLine().getOut());
            if (format != null && format.json) {
                renderer.json();
            } else if (format != null && format.markdown) {
                renderer.markdown();
            } else {
                renderer.text();
            }
            List<String> fired = result.fired();
            if (!fired.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("tcprec: diff: " + fired.size() + " of " + thresholds.size()
                                + " --fail-on conditions fired: " + String.join("; ", fired));
                spec.commandLine().getErr().flush();
                return ExitCodes.THRESHOLD;
            }
        }
        return ExitCodes.OK;
    }

    private Measurement.Dimension dimension() {
        if (by == null) {
            return null;
        }
        try {
            return Measurement.Dimension.valueOf(by.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--by takes rport, raddr or comm, not '" + by + "'");
        }
    }

    private List<Threshold> thresholds() {
        if (failOn == null) {
            return List.of();
        }
        try {
            return Threshold.parseAll(failOn);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fail-on: " + e.getMessage());
        }
    }

    static List<Change> compareAll(Map<String, Observation> before, Map<String, Observation> after, NoiseFloor floor) {
        Set<String> names = new LinkedHashSet<>(before.keySet());
        names.addAll(after.keySet());
        Map<String, Observation[]> pairs = new LinkedHashMap<>();
        for (String name : names) {
            Observation ob = before.get(name);
            Observation oa = after.get(name);
            // a state seen in one trace only: the other side is an empty distribution
            pairs.put(name, new Observation[] {ob == null ? empty(oa) : ob, oa == null ? empty(ob) : oa});
        }
        int tests = (int) pairs.values().stream()
                .filter(pair -> Change.testable(pair[0], pair[1]))
                .count();
        Map<String, Statistics.QuantileTest> bootstraps =
                bootstrapAll(pairs, floor, Statistics.resamplesFor(tests, floor.confidence()));
        List<Change> changes = new ArrayList<>();
        pairs.forEach((name, pair) ->
                changes.add(Change.compare(Measurement.specOf(name), pair[0], pair[1], floor, bootstraps.get(name))));
        return Change.judgeTogether(changes, floor);
    }

    /**
     * Bootstraps every tested quantile, by metric name: the quantiles of one distribution share
     * its sample arrays (a list of arrays compares them by identity) and so its resamples; the
     * distributions run in parallel, each with its own seeded generator, so the result does not
     * depend on the order they run in.
     */
    private static Map<String, Statistics.QuantileTest> bootstrapAll(
            Map<String, Observation[]> pairs, NoiseFloor floor, int resamples) {
        Map<List<double[]>, List<String>> metricsOfSamples = new LinkedHashMap<>();
        pairs.forEach((name, pair) -> {
            if (pair[0] instanceof Observation.Quantile qb
                    && pair[1] instanceof Observation.Quantile qa
                    && Change.testable(qb, qa)) {
                metricsOfSamples
                        .computeIfAbsent(List.of(qb.sample(), qa.sample()), k -> new ArrayList<>())
                        .add(name);
            }
        });
        Map<String, Statistics.QuantileTest> out = new ConcurrentHashMap<>();
        metricsOfSamples.entrySet().parallelStream().forEach(e -> {
            List<String> names = e.getValue();
            double[] qs = names.stream()
                    .mapToDouble(name -> ((Observation.Quantile) pairs.get(name)[0]).q())
                    .toArray();
            Statistics.QuantileTest[] results = Statistics.bootstrapQuantileDifferences(
                    e.getKey().get(0), e.getKey().get(1), qs, floor.confidence(), resamples);
            for (int j = 0; j < qs.length; j++) {
                out.put(names.get(j), results[j]);
            }
        });
        return out;
    }

    private static Observation empty(Observation like) {
        return like instanceof Observation.Quantile q
                ? new Observation.Quantile(q.q(), Double.NaN, 0, new double[0])
                : new Observation.Rate(0, 0, ((Observation.Rate) like).exposureUnit());
    }

    /** The --by groups with the biggest changes beyond noise first, then the biggest groups. */
    private List<DiffResult.Group> groups(Measurement ma, Measurement mb, NoiseFloor floor) {
        Map<String, Long> size = new LinkedHashMap<>();
        ma.groupConnections.forEach((k, v) -> size.merge(k, v, Math::max));
        mb.groupConnections.forEach((k, v) -> size.merge(k, v, Math::max));
        List<String> candidates = size.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(GROUP_CANDIDATES)
                .map(Map.Entry::getKey)
                .toList();
        List<DiffResult.Group> groups = new ArrayList<>();
        for (String key : candidates) {
            List<Change> changes = compareAll(ma.group(key), mb.group(key), floor);
            groups.add(new DiffResult.Group(
                    key,
                    ma.groupConnections.getOrDefault(key, 0L),
                    mb.groupConnections.getOrDefault(key, 0L),
                    changes));
        }
        groups.sort(Comparator.comparingDouble(DiffResult.Group::biggestChange)
                .reversed()
                .thenComparing(Comparator.comparingLong(DiffResult.Group::size).reversed())
                .thenComparing(DiffResult.Group::key));
        return groups.subList(0, Math.min(top, groups.size()));
    }
}
