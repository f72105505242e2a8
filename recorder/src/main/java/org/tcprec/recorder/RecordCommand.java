package org.tcprec.recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tcprec.cli.support.ByteSizeConverter;
import org.tcprec.cli.support.DurationConverter;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.FileOwner;
import org.tcprec.cli.support.OwnerOption;
import org.tcprec.cli.support.UserError;
import org.tcprec.recorder.bpf.KernelFeatures;
import org.tcprec.recorder.bpf.LibC;
import org.tcprec.recorder.host.HostFacts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        description = {
            "Record the TCP tracepoints into a trace file (needs root: CAP_BPF and CAP_PERFMON).",
            "Stops after --duration, or on Ctrl-C / SIGTERM; either way the trace is complete."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo tcprec record -d 60s -o web1.parquet       every TCP event of the next 60 s",
            "  sudo tcprec record -o web1.parquet              until Ctrl-C",
            "  tcprec info web1.parquet                        what was recorded, and any events lost"
        })
public final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to record (60s, 5m, 1h). Default: until Ctrl-C.")
    long durationNs;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "The trace file to write. Default: tcprec-HOST-DATE-TIME.parquet in the current directory.")
    Path output;

    @Option(
            names = "--force",
            description =
                    "Overwrite FILE if it is a regular file (never a symbolic link, device, " + "FIFO or directory).")
    boolean force;

    @Mixin
    OwnerOption owner;

    @Mixin
    FilterOptions filters;

    @Option(
            names = "--probe-interval",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10ms",
            description = "Keep at most one tcp_probe event per socket per interval (default: ${DEFAULT-VALUE}).")
    long probeIntervalNs;

    @Option(
            names = {"-e", "--every-probe"},
            description = "Keep every tcp_probe event (no sampling).")
    boolean everyProbe;

    @Option(
            names = "--ring-size",
            paramLabel = "SIZE",
            converter = ByteSizeConverter.class,
            defaultValue = "16M",
            description = "BPF ring buffer size, a power of two of at least 64K (default: ${DEFAULT-VALUE}).")
    long ringBytes;

    @Override
    public Integer call() {
        if (ringBytes < 64 << 10 || ringBytes > 1L << 30 || Long.bitCount(ringBytes) != 1) {
            throw new UserError("--ring-size must be a power of two between 64K and 1G");
        }
        if (durationNs == 0 && spec.commandLine().getParseResult().hasMatchedOption("--duration")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "-d 0 records nothing; leave -d out to record until Ctrl-C");
        }
        Path out = output != null ? output : Path.of(defaultName());
        FileOwner traceOwner = owner.resolve();
        RecordingConfig config = new RecordingConfig(
                out,
                force,
                durationNs,
                filters.pid(),
                filters.family(),
                filters.localPorts(),
                filters.remotePorts(),
                filters.netnsInode(),
                filters.cgroupId(),
                everyProbe ? 0 : probeIntervalNs,
                (int) ringBytes,
                commandLine(),
                traceOwner);
        PrintStream err = System.err;
        boolean terminal = System.console() != null;
        Recorder recorder = new Recorder(config, err, terminal);
        // A shell starts `tcprec record &` with SIGINT ignored, and the JVM keeps an ignored
        // signal ignored: scripts could then not stop it with kill -INT, as they stop perf.
        // SIGHUP stays as inherited, so nohup keeps its meaning.
        LibC.INSTANCE.signal(LibC.SIGINT, null);
        for (String signal : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(signal), s -> recorder.requestStop("SIG" + s.getName()));
        }
        if (terminal) {
            err.println("tcprec: recording to " + out + (durationNs > 0 ? "" : "; Ctrl-C stops"));
        }
        Recorder.Summary summary;
        try {
            summary = recorder.run();
        } catch (RecordingException e) {
            throw new UserError(e.getMessage(), e);
        }
        printSummary(err, summary, terminal);
        for (KernelFeatures.Feature f : KernelFeatures.missing()) {
            err.printf(
                    Locale.ROOT,
                    "tcprec: warning: this kernel lacks %s (Linux %s): %s%n",
                    f.description(),
                    f.since(),
                    f.withoutIt());
        }
        printOwner(err, summary.output(), traceOwner);
        return ExitCodes.OK;
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>();
        args.add("tcprec");
        CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        args.addAll(root.getParseResult().originalArgs());
        return args;
    }

    private static String defaultName() {
        String host = HostFacts.host().hostname();
        return "tcprec-" + host + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + ".parquet";
    }

    /** Says who can read the trace when that is root alone, which "reading needs no privileges" would not suggest. */
    static void printOwner(PrintStream out, Path trace, FileOwner owner) {
        if (owner.source() == FileOwner.Source.PROCESS && ownedByRoot(trace)) {
            out.printf(
                    Locale.ROOT,
                    "tcprec: %s belongs to root with mode 0600: only root can read it; give it to a user with "
                            + "--owner USER, or run tcprec through sudo%n",
                    trace);
        } else if (owner.source() == FileOwner.Source.OPTION) {
            out.printf(Locale.ROOT, "tcprec: %s belongs to %s (mode 0600)%n", trace, owner.describe());
        }
    }

    private static boolean ownedByRoot(Path file) {
        try {
            return ((Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static void printSummary(PrintStream out, Recorder.Summary s, boolean terminal) {
        double seconds = s.durationNs() / 1e9;
        double perEvent = s.rows() == 0 ? 0 : (double) s.fileBytes() / s.rows();
        out.printf(
                Locale.ROOT,
                "tcprec: recorded %,d events in %.1f s (%,.0f/s) to %s: %s, %.1f B/event, at most %s on "
                        + "disk while recording; lost %,d; tracepoints %d attached%s; stopped by %s%n",
                s.rows(),
                seconds,
                s.rows() / Math.max(seconds, 1e-9),
                s.output(),
                Units.bytes(s.fileBytes()),
                perEvent,
                Units.bytes(s.peakDiskBytes()),
                s.lost(),
                s.attached().size(),
                s.missing().isEmpty() ? "" : ", missing " + String.join(" ", s.missing()),
                s.stopReason());
        if (s.lost() > 0) {
            out.printf(
                    Locale.ROOT,
                    "tcprec: warning: %,d events were lost (ring buffer full, or skipped by the kernel); see 'tcprec info %s'%n",
                    s.lost(),
                    s.output());
        }
        if (s.brokenLifetimes() > 0) {
            out.printf(
                    Locale.ROOT,
                    "tcprec: warning: %,d socket lifetimes skip states: state changes are missing that no loss counter saw; "
                            + "see 'tcprec info %s'%n",
                    s.brokenLifetimes(),
                    s.output());
        }
        if (terminal) {
            StringBuilder perType = new StringBuilder("tcprec: events:");
            for (Map.Entry<String, Long> e : s.rowsByEvent().entrySet()) {
                perType.append(' ').append(e.getKey()).append('=').append(e.getValue());
            }
            out.println(perType);
        }
    }
}
