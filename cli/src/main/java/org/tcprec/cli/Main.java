package org.tcprec.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.tcprec.analyzer.InfoCommand;
import org.tcprec.analyzer.SqlCommand;
import org.tcprec.analyzer.diff.DiffCommand;
import org.tcprec.analyzer.html.ReportCommand;
import org.tcprec.analyzer.report.PrintCommand;
import org.tcprec.analyzer.report.TcpAcceptCommand;
import org.tcprec.analyzer.report.TcpConnLatCommand;
import org.tcprec.analyzer.report.TcpConnectCommand;
import org.tcprec.analyzer.report.TcpLifeCommand;
import org.tcprec.analyzer.report.TcpResetCommand;
import org.tcprec.analyzer.report.TcpRetransCommand;
import org.tcprec.analyzer.report.TcpRttCommand;
import org.tcprec.analyzer.report.TcpStatesCommand;
import org.tcprec.analyzer.scrub.ScrubCommand;
import org.tcprec.cli.support.BuildInfo;
import org.tcprec.cli.support.Errors;
import org.tcprec.cli.support.RawOutput;
import org.tcprec.format.TraceSchema;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.recorder.ListCommand;
import org.tcprec.recorder.RecordCommand;
import org.tcprec.recorder.RecoverCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "tcprec",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Record Linux TCP tracepoints with eBPF into a Parquet trace, and analyse traces offline.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo tcprec record -d 60s -o web1.parquet       record every TCP event for 60 s",
            "  tcprec info web1.parquet                        where, when and what was recorded",
            "  tcprec tcplife web1.parquet                     its connections, as bcc's tcplife prints them",
            "  tcprec diff k6.1.parquet k6.18.parquet          two kernels under the same workload",
            "  tcprec scrub web1.parquet -o public.parquet     a copy fit for a public bug report...",
            "  tcprec report public.parquet -o public.html     ...and one HTML page about it"
        })
public final class Main implements Runnable {
    /** The subcommands of the recorder-only package (RecorderMain): none of them loads DuckDB. */
    static final List<Class<?>> RECORDING =
            List.of(RecordCommand.class, RecoverCommand.class, InfoCommand.class, ListCommand.class);

    private static final List<Class<?>> SUBCOMMANDS = Stream.concat(
                    RECORDING.stream(),
                    Stream.of(
                            TcpLifeCommand.class,
                            TcpStatesCommand.class,
                            TcpRetransCommand.class,
                            TcpConnectCommand.class,
                            TcpAcceptCommand.class,
                            TcpConnLatCommand.class,
                            TcpResetCommand.class,
                            TcpRttCommand.class,
                            PrintCommand.class,
                            SqlCommand.class,
                            DiffCommand.class,
                            ScrubCommand.class,
                            ReportCommand.class))
            .toList();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        warmJson();
        System.exit(run(commandLine(args, SUBCOMMANDS), args));
    }

    /**
     * Loads the metadata's JSON binding on a thread of its own: nearly every command reads a
     * trace's footer, and the binding's first use is most of a small command's start.
     */
    static void warmJson() {
        Thread warm = new Thread(
                () -> {
                    try {
                        JsonCodec.load();
                    } catch (RuntimeException | Error e) {
                        // the command's own use of the binding meets the same failure and reports it
                    }
                },
                "tcprec-json-warmup");
        warm.setDaemon(true);
        warm.start();
    }

    /** Runs a command line on these arguments as the process does, and returns its exit code. */
    static int run(CommandLine cl, String[] args) {
        // Standard output as bytes too, for the reports that print millions of lines (RawOutput)
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        RawOutput.register(out, stdout);
        cl.setOut(out);
        int exit = cl.execute(args);
        out.flush();
        return exit;
    }

    /** The configured command line with every subcommand, also what the tests execute. */
    public static CommandLine commandLine() {
        return commandLine(new String[0], SUBCOMMANDS);
    }

    /**
     * The command line for these arguments: when the first names a subcommand, only that one is
     * built. Picocli reads each command's annotations by reflection, and building all sixteen
     * showed in every run's start (bench/RESULTS.md); help and errors without a subcommand still
     * list them all.
     */
    static CommandLine commandLine(String[] args, List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> named = args.length == 0
                ? null
                : subcommands.stream()
                        .filter(c -> c.getAnnotation(Command.class).name().equals(args[0]))
                        .findFirst()
                        .orElse(null);
        for (Class<?> subcommand : named == null ? subcommands : List.of(named)) {
            cl.addSubcommand(subcommand);
        }
        return Errors.install(cl);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tcprec " + BuildInfo.version() + ", trace format " + TraceSchema.VERSION};
        }
    }
}
