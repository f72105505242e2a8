package org.tcprec.cli.support;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Installs tcprec's error conventions on a command line: usage errors print one line and a hint
 * (exit 2), failures print one line (exit 1), and TCPREC_DEBUG=1 adds the stack trace.
 */
public final class Errors {
    private Errors() {}

    public static CommandLine install(CommandLine commandLine) {
        commandLine.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("tcprec: " + firstLine(ex.getMessage()).replaceFirst("^Error: ", ""));
            err.println(
                    "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cl, parseResult) -> {
            PrintWriter err = cl.getErr();
            if (ex instanceof OutputClosed) {
                return ExitCodes.FAILURE;
            }
            if (ex instanceof UserError) {
                // a message may quote the trace (a name, a value DuckDB refused)
                err.println("tcprec: " + TerminalText.escape(firstLine(ex.getMessage())));
            } else {
                err.println(
                        "tcprec: internal error: " + ex + (debug() ? "" : " (rerun with TCPREC_DEBUG=1 for details)"));
            }
            if (debug()) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.FAILURE;
        });
        return commandLine;
    }

    static boolean debug() {
        return System.getenv("TCPREC_DEBUG") != null;
    }

    public static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
