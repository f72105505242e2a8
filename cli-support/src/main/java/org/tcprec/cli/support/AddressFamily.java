package org.tcprec.cli.support;

import picocli.CommandLine.Option;

/**
 * -4 / -6, declared as an exclusive picocli group ({@code @ArgGroup(exclusive = true)}), so that
 * giving both is a command-line error (exit 2) and --help shows them as {@code [-4 | -6]}.
 */
public final class AddressFamily {
    public static final int ANY = 0;
    public static final int INET = 2;
    public static final int INET6 = 10;

    @Option(
            names = {"-4", "--ipv4"},
            required = true,
            description = "Only IPv4.")
    boolean ipv4;

    @Option(
            names = {"-6", "--ipv6"},
            required = true,
            description = "Only IPv6.")
    boolean ipv6;

    /** The AF_ number the group names, or {@link #ANY} when the group was not given (null). */
    public static int of(AddressFamily group) {
        return group == null ? ANY : group.ipv4 ? INET : INET6;
    }
}
