package org.tcprec.cli;

import java.util.List;
import picocli.CommandLine;

/**
 * The entry point of the recorder-only package, for hosts that only record: record, recover and
 * info, the same commands as in the full tcprec, without DuckDB on the class path.
 */
public final class RecorderMain {
    private RecorderMain() {}

    public static void main(String[] args) {
        Main.warmJson();
        System.exit(Main.run(commandLine(args), args));
    }

    /** This package's command line with every subcommand (for its man pages and completion). */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** This package's command line, with its own description and examples. */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = Main.commandLine(args, Main.RECORDING);
        cl.getCommandSpec()
                .usageMessage()
                .description("Record Linux TCP tracepoints with eBPF into a Parquet trace. This is the recorder-only "
                        + "package: the reports, sql, diff, scrub and report commands are in the full tcprec package, "
                        + "which reads the traces written here on any other machine.")
                .footer(List.of(
                                "  sudo tcprec record -d 60s -o web1.parquet       record every TCP event for 60 s",
                                "  tcprec info web1.parquet                        where, when and what was recorded",
                                "  sudo tcprec recover web1.parquet                rebuild the trace of a killed recording")
                        .toArray(String[]::new));
        return cl;
    }
}
