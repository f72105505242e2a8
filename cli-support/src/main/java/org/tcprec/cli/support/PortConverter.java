package org.tcprec.cli.support;

import picocli.CommandLine;

/** One TCP port, 1-65535; a value outside is a command-line error (exit 2). */
public final class PortConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        return port(value.trim());
    }

    static int port(String p) {
        int port;
        try {
            port = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + p + "' is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new CommandLine.TypeConversionException("port " + port + " is out of range 1-65535");
        }
        return port;
    }
}
