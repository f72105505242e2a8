package org.tcprec.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON the footer metadata is stored in: objects, arrays, strings, integers, decimals,
 * booleans and null; written here in the layout the format has always had, read with Jackson
 * within the limits a trace may ask of its reader.
 */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0, true);
        return out.toString();
    }

    public static String writeCompact(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0, false);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int depth, boolean pretty) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(d);
        } else if (value instanceof Float f) {
            write(f.doubleValue(), out, depth, pretty);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(out, depth + 1, pretty);
                quote(String.valueOf(e.getKey()), out);
                out.append(pretty ? ": " : ":");
                write(e.getValue(), out, depth + 1, pretty);
            }
            if (!map.isEmpty()) {
                newline(out, depth, pretty);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(out, depth + 1, pretty);
                write(item, out, depth + 1, pretty);
            }
            if (!first) {
                newline(out, depth, pretty);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder out, int depth, boolean pretty) {
        if (pretty) {
            out.append('\n');
            out.append("  ".repeat(depth));
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Deepest nesting of objects and arrays a trace's metadata may have (format-spec/README.md, "Limits"). */
    public static final int MAX_DEPTH = 64;
    /** Longest string (a key or a value), in characters. */
    public static final int MAX_STRING = 1 << 20;
    /** Largest metadata document, in characters. */
    public static final long MAX_DOCUMENT = 8L << 20;
    /** Most tokens (keys, values, brackets) in one document: bounds the number of keys and elements. */
    public static final long MAX_TOKENS = 200_000;
    /** Longest number, in digits. */
    public static final int MAX_NUMBER = 64;

    /**
     * Jackson, loaded on the first parse only: writing (the recorder's journal records, at the
     * start of a recording) must not wait for its classes to load.
     */
    private static final class Reader {
        static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(MAX_DEPTH)
                                .maxStringLength(MAX_STRING)
                                .maxNameLength(MAX_STRING)
                                .maxDocumentLength(MAX_DOCUMENT)
                                .maxTokenCount(MAX_TOKENS)
                                .maxNumberLength(MAX_NUMBER)
                                .build())
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * Parses a JSON text; objects become LinkedHashMaps, integers Longs (BigIntegers beyond a
     * long's range), other numbers Doubles. Text past the limits above, a duplicate key, or a
     * number too large for a double is refused with a one-line message.
     */
    public static Object parse(String text) {
        if (text.length() > MAX_DOCUMENT) {
            throw new IllegalArgumentException("a JSON document of " + text.length() + " characters, more than the "
                    + MAX_DOCUMENT + " allowed");
        }
        try {
            return value(Reader.MAPPER.readTree(text));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(firstLine(e.getOriginalMessage()) + location(e));
        }
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getCharOffset() < 0 ? ""
                : " at offset " + e.getLocation().getCharOffset();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /**
     * The tree as the metadata's Java values: integers as Longs (BigIntegers past a long),
     * no infinite double (one that overflowed, 1e400, reads as infinity, which no metadata value
     * means). Depth is bounded by MAX_DEPTH.
     */
    private static Object value(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), value(e.getValue()));
            }
            return map;
        } else if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node.values()) {
                list.add(value(item));
            }
            return list;
        } else if (node.isString()) {
            return node.asString();
        } else if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        } else if (node.isNumber()) {
            double d = node.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("a number too large for a double");
            }
            return d;
        } else if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }
}
