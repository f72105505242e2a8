package org.tcprec.cli.support;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** A comma-separated list of TCP ports, as bcc's -L and -D take them: "80,443". */
public final class PortListConverter implements CommandLine.ITypeConverter<List<Integer>> {
    @Override
    public List<Integer> convert(String value) {
        List<Integer> ports = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            int port;
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + p + "' is not a port number");
            }
            if (port < 1 || port > 65535) {
                throw new CommandLine.TypeConversionException("port " + port + " is out of range 1-65535");
            }
            ports.add(port);
        }
        return ports;
    }
}
