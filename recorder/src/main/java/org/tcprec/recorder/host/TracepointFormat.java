package org.tcprec.recorder.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tracepoint's format file as tracefs writes it ({@code events/CAT/NAME/format}): its fields with
 * their C types, offsets and sizes, without the {@code common_} header every event has. The same
 * text is stored in a trace (footer {@code tracepoints.formats}), so a trace's kernel can be
 * described without that kernel at hand.
 */
public record TracepointFormat(String qualifiedName, List<Field> fields) {
    /** One field: {@code type} is the declaration without the name ({@code __u8[28]} for an array). */
    public record Field(String name, String type, int offset, int size, boolean signed) {}

    private static final Pattern FIELD =
            Pattern.compile("field:([^;]*);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d+);");
    private static final Pattern DECLARATION = Pattern.compile("(.*?)\\s*\\b(\\w+)\\s*(\\[[^\\]]*\\])?\\s*");

    public static TracepointFormat parse(String qualifiedName, String text) {
        List<Field> fields = new ArrayList<>();
        Matcher m = FIELD.matcher(text);
        while (m.find()) {
            Matcher d = DECLARATION.matcher(m.group(1).trim());
            if (!d.matches() || d.group(2).startsWith("common_")) {
                continue;
            }
            String type = d.group(1) + (d.group(3) == null ? "" : d.group(3));
            fields.add(new Field(
                    d.group(2),
                    type,
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    m.group(4).equals("1")));
        }
        return new TracepointFormat(qualifiedName, List.copyOf(fields));
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public boolean has(String name) {
        return field(name).isPresent();
    }
}
