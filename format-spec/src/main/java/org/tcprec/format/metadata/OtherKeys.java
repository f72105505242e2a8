package org.tcprec.format.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys of a metadata object that its record does not know (a newer writer's), kept so they
 * are written back. A class of its own: were it {@link TraceMetadata}'s, each nested record's
 * first use would initialise TraceMetadata, whose own initialisation builds the nested records'
 * empty values, and two threads binding metadata at once could each wait for the other's class.
 */
final class OtherKeys {
    private OtherKeys() {}

    /** The map a record keeps: the one read, or an empty one to add keys to. */
    static Map<String, JsonNode> of(Map<String, JsonNode> other) {
        return other == null ? new LinkedHashMap<>() : other;
    }
}
