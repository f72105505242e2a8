package org.tcprec.cli.support;

import picocli.CommandLine.Option;

/** --owner USER[:GROUP], for the commands that write a trace as root (record, recover). */
public final class OwnerOption {
    @Option(
            names = "--owner",
            paramLabel = "USER[:GROUP]",
            description = "Give the trace (mode 0600) to this user. Default: the user who ran sudo, else root.")
    String owner;

    /** The owner named, else the user who ran sudo, else the process's own (checked now, before any work). */
    public FileOwner resolve() {
        return FileOwner.of(owner);
    }
}
