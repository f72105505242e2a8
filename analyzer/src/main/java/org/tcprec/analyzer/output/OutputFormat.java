package org.tcprec.analyzer.output;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** --csv / --json, shared by every command that prints rows; they exclude each other. */
public final class OutputFormat {
    @ArgGroup(exclusive = true)
    Flags flags;

    static final class Flags {
        @Option(names = "--csv", required = true, description = "Print comma-separated values with a header line.")
        boolean csv;

        @Option(names = "--json", required = true, description = "Print one JSON object per line (JSON Lines).")
        boolean json;
    }

    public enum Kind {
        TEXT,
        CSV,
        JSON
    }

    public Kind kind() {
        return flags == null ? Kind.TEXT : flags.csv ? Kind.CSV : Kind.JSON;
    }
}
