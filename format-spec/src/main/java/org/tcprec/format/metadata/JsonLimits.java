package org.tcprec.format.metadata;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * The limits a JSON text from a trace is read within (format-spec/README.md, "Limits"), and a
 * streaming parser held to them. The parser needs Jackson's core only: a footer's checksums are
 * read with it before a report starts, while the object binding ({@link JsonCodec}), whose first
 * use costs a large part of a report's start, is still being loaded on another thread.
 */
public final class JsonLimits {
    /** Deepest nesting of objects and arrays a trace's metadata may have. */
    public static final int MAX_DEPTH = 64;
    /** Longest string (a key or a value), in characters. */
    public static final int MAX_STRING = 1 << 20;
    /** Largest metadata document, in characters. */
    public static final long MAX_DOCUMENT = 8L << 20;
    /** Most tokens (keys, values, brackets) in one document: bounds the number of keys and elements. */
    public static final long MAX_TOKENS = 200_000;
    /** Longest number, in digits. */
    public static final int MAX_NUMBER = 64;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxStringLength(MAX_STRING)
            .maxNameLength(MAX_STRING)
            .maxDocumentLength(MAX_DOCUMENT)
            .maxTokenCount(MAX_TOKENS)
            .maxNumberLength(MAX_NUMBER)
            .build();

    private static final JsonFactory FACTORY = factory().build();

    private JsonLimits() {}

    /** A factory held to the limits, refusing duplicate keys: the streaming parser's and the object mapper's. */
    static JsonFactoryBuilder factory() {
        return new JsonFactoryBuilder()
                .streamReadConstraints(CONSTRAINTS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** Refuses a text longer than a document may be, before any of it is parsed. */
    static void checkLength(String text) {
        if (text.length() > MAX_DOCUMENT) {
            throw new IllegalArgumentException(
                    "a JSON document of " + text.length() + " characters, more than the " + MAX_DOCUMENT + " allowed");
        }
    }

    /**
     * A parser of text within the limits; a text past them, or one that is not JSON, fails while
     * it is read with a {@link JacksonException}.
     */
    public static JsonParser parser(String text) throws IOException {
        checkLength(text);
        return FACTORY.createParser(text);
    }
}
