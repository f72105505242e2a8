package org.tcprec.cli.support;

/** tcprec's exit codes: one meaning each, the same for every subcommand. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command ran and failed (unreadable file, BPF refused, disk full...). */
    public static final int FAILURE = 1;
    /** The command line was wrong (picocli's own usage-error code). */
    public static final int USAGE = 2;
    /** `tcprec diff --fail-on`: the command ran, and a condition fired (a regression gate). */
    public static final int THRESHOLD = 3;

    private ExitCodes() {}
}
