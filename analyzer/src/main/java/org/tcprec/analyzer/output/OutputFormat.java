package org.tcprec.analyzer.output;

import picocli.CommandLine.Option;

/** --csv / --json, shared by every command that prints rows. */
public final class OutputFormat {
    @Option(names = "--csv", description = "Print comma-separated values with a header line.")
    boolean csv;

    @Option(names = "--json", description = "Print one JSON object per line (JSON Lines).")
    boolean json;

    public enum Kind { TEXT, CSV, JSON }

    public Kind kind() {
        if (csv && json) {
            throw new org.tcprec.cli.support.UserError("--csv and --json exclude each other");
        }
        return csv ? Kind.CSV : json ? Kind.JSON : Kind.TEXT;
    }
}
