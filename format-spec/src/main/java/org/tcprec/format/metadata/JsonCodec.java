package org.tcprec.format.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The JSON tcprec reads and writes: the footer metadata ({@link TraceMetadata}) and the JSON of
 * every report. Read within the limits a trace may ask of its reader (format-spec/README.md,
 * "Limits"); written in one layout: two-space indentation, {@code "key": value}, each array
 * element on a line of its own, {@code {}} and {@code []} when empty, control characters other
 * than tab and line ends as a lowercase six-character escape (backslash, u, 00xx).
 */
public final class JsonCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder(
                    JsonLimits.factory().characterEscapes(new Escapes()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(
                    JsonInclude.Include.CUSTOM, JsonInclude.Include.ALWAYS, Absent.class, null))
            .addHandler(new Lenient())
            .addModule(new SimpleModule("tcprec-integers")
                    .addDeserializer(Long.class, new Integral<>(Long.MIN_VALUE, Long.MAX_VALUE, Long::valueOf))
                    .addDeserializer(
                            Integer.class,
                            new Integral<>(Integer.MIN_VALUE, Integer.MAX_VALUE, v -> Integer.valueOf((int) v))))
            .build();

    private static final ObjectWriter PRETTY = MAPPER.writer()
            .with(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEntrySpacing(Separators.Spacing.NONE)
                            .withArrayValueSpacing(Separators.Spacing.NONE)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator(""))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private static final ObjectWriter COMPACT = MAPPER.writer();

    private JsonCodec() {}

    /**
     * Nothing but loading Jackson's classes and building its readers and writers of the metadata,
     * which takes longer than the rest of a small report: the command line calls it on a thread
     * of its own at start, so that it overlaps with the parsing of the arguments and the file's
     * footer instead of following them.
     */
    public static void load() {
        metadata("{}");
        writeCompact(TraceMetadata.EMPTY);
    }

    /** A metadata document as the records read it; a text past the limits, or not an object, is refused. */
    public static TraceMetadata metadata(String text) {
        return metadata(tree(text));
    }

    /** The records of a document already read. */
    public static TraceMetadata metadata(JsonNode tree) {
        if (!tree.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        try {
            return MAPPER.treeToValue(tree, TraceMetadata.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(firstLine(e.getOriginalMessage()));
        } catch (IllegalArgumentException e) {
            // what Jackson 2 throws when a converted tree does not fit, a message of several lines
            throw new IllegalArgumentException(firstLine(e.getMessage()));
        }
    }

    /**
     * A JSON text as a tree; text past the limits above, a duplicate key, or a number too large
     * for a double is refused with a one-line message.
     */
    public static JsonNode tree(String text) {
        JsonLimits.checkLength(text);
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(firstLine(e.getOriginalMessage()) + location(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException("no JSON value");
        }
        checkFinite(tree);
        return tree;
    }

    /**
     * Any JSON text (a report's output, say) as plain Java values: objects as maps, arrays as
     * lists, integers as Longs (BigIntegers past a long: reports print unsigned 64-bit kernel
     * addresses), other numbers as Doubles; within the same limits.
     */
    public static Object value(String text) {
        try {
            return longs(MAPPER.readerFor(Object.class).readValue(text));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(firstLine(e.getOriginalMessage()) + location(e));
        }
    }

    private static Object longs(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, longs(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JsonCodec::longs).collect(Collectors.toList());
        }
        return value;
    }

    /** A value (records, maps, lists, strings, numbers, booleans, null) in the layout above. */
    public static String write(Object value) {
        return write(PRETTY, value);
    }

    /** The same on one line, without spaces. */
    public static String writeCompact(Object value) {
        return write(COMPACT, value);
    }

    /** Only a value JSON cannot hold fails: nothing tcprec writes is one. */
    private static String write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not writable as JSON: " + firstLine(e.getOriginalMessage()), e);
        }
    }

    /** Whether a value is left out when written: null, or a metadata object the trace did not have. */
    public static boolean absent(Object value) {
        return Absent.absent(value);
    }

    /** A record's value as a tree, as it would be written. */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** An overflowing number (1e400) reads as infinity, which no metadata value means. */
    private static void checkFinite(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                checkFinite(child);
            }
        } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw new IllegalArgumentException("a number too large for a double");
        }
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getCharOffset() < 0
                ? ""
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
     * A value of another type than documented reads as null (format-spec/README.md): the
     * value is skipped, whatever it holds.
     */
    private static final class Lenient extends DeserializationProblemHandler {
        @Override
        public Object handleUnexpectedToken(
                DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p, String failureMsg)
                throws IOException {
            p.skipChildren();
            return null;
        }

        @Override
        public Object handleMissingInstantiator(
                DeserializationContext ctxt, Class<?> instClass, ValueInstantiator valueInsta, JsonParser p, String msg)
                throws IOException {
            p.skipChildren();
            return null;
        }

        @Override
        public Object handleWeirdStringValue(
                DeserializationContext ctxt, Class<?> targetType, String valueToConvert, String failureMsg)
                throws IOException {
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(
                DeserializationContext ctxt, Class<?> targetType, Number valueToConvert, String failureMsg)
                throws IOException {
            return null;
        }
    }

    /**
     * An integer: a whole number in range; anything else (a fraction, a number past the type's
     * range, text, an object) reads as null, as the specification asks of a value of another type.
     */
    private static final class Integral<T extends Number> extends StdDeserializer<T> {
        private final long min;
        private final long max;
        private final LongFunction<T> box;

        Integral(long min, long max, LongFunction<T> box) {
            super(Number.class);
            this.min = min;
            this.max = max;
            this.box = box;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long v = p.getLongValue();
                return v >= min && v <= max ? box.apply(v) : null;
            }
            p.skipChildren();
            return null;
        }
    }

    /**
     * Which values are left out when written: null, and a metadata object with no key set (an
     * object the trace did not have, read as its empty record). Jackson compares a value with
     * this filter by {@code equals}.
     */
    static final class Absent {
        @Override
        public boolean equals(Object value) {
            return absent(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }

        static boolean absent(Object value) {
            if (value == null) {
                return true;
            }
            if (!value.getClass().isRecord() || value.getClass().getEnclosingClass() != TraceMetadata.class) {
                return false;
            }
            for (RecordComponent c : value.getClass().getRecordComponents()) {
                Object v;
                try {
                    v = c.getAccessor().invoke(value);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException(e);
                }
                if (!(absent(v)
                        || (v instanceof Map<?, ?> m
                                && m.isEmpty()
                                && c.getName().equals("other")))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Jackson's escapes but for control characters: the six-character escape in lowercase hex, for backspace and form feed too. */
    private static final class Escapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] codes = standardAsciiEscapesForJSON();

        Escapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') {
                    codes[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return codes.clone();
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // asked for every character beyond ASCII too, which stays as it is
            return ch < 0x20 ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch)) : null;
        }
    }
}
