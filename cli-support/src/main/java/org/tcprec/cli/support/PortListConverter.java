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
            ports.add(PortConverter.port(part.trim()));
        }
        return ports;
    }
}
