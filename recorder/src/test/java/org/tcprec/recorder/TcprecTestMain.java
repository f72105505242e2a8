package org.tcprec.recorder;

import org.tcprec.cli.support.Errors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The recorder's subcommands as a process of their own, for tests that kill or signal it. */
@Command(
        name = "tcprec",
        subcommands = {RecordCommand.class, RecoverCommand.class})
public final class TcprecTestMain {
    public static void main(String[] args) {
        System.exit(Errors.install(new CommandLine(new TcprecTestMain())).execute(args));
    }
}
