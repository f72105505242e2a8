package org.tcprec.format.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The keys format-spec/README.md documents under "Footer metadata" and the components of the
 * metadata records are the same, both ways, for every object whose keys the table lists: the
 * dotted keys of its first column ({@code host.hostname}) and the braces of its second
 * ({@code {name, version, java}}, with {@code key: {...}} for an object inside). A second brace
 * group of the same object (another shape of it, {@code {source, error}}) starts with the same key.
 */
class MetadataDocumentationTest {
    private static final Pattern ROW = Pattern.compile("(?m)^\\| (`[^|]*) \\| (.*) \\|$");
    private static final Pattern PATH = Pattern.compile("`([a-z_]+(?:\\.[a-z_]+)*)`");
    private static final Pattern IDENTIFIER = Pattern.compile("^\"?([a-z_0-9]+)\"?\\s*(?::\\s*(.*))?$", Pattern.DOTALL);

    private final Map<Class<?>, Set<String>> documented = new LinkedHashMap<>();

    @Test
    void everyDocumentedKeyIsARecordComponentAndEveryComponentIsDocumented() throws Exception {
        String spec = Files.readString(Path.of("README.md"));
        String table = spec.substring(spec.indexOf("Keys of `tcprec.metadata`"), spec.indexOf("## Checksums"));
        Matcher row = ROW.matcher(table);
        int rows = 0;
        while (row.find()) {
            rows++;
            List<Class<?>> described = new ArrayList<>();
            Matcher path = PATH.matcher(row.group(1));
            while (path.find()) {
                Type at = TraceMetadata.class;
                Class<?> parent = TraceMetadata.class;
                for (String key : path.group(1).split("\\.")) {
                    documented.computeIfAbsent(parent, c -> new TreeSet<>()).add(key);
                    at = component(parent, key);
                    assertNotNull(
                            at, "documented key " + path.group(1) + ": " + parent.getSimpleName() + " has no " + key);
                    parent = at instanceof Class<?> c ? c : Object.class;
                }
                described.add(parent);
            }
            for (Class<?> type : described) {
                if (type.isRecord()) {
                    braces(type, row.group(2).replace("`", ""));
                }
            }
        }
        assertFalse(rows < 10, "the table of metadata keys was not found");
        for (Map.Entry<Class<?>, Set<String>> e : documented.entrySet()) {
            assertEquals(
                    components(e.getKey()),
                    e.getValue(),
                    "keys of " + e.getKey().getSimpleName() + ": the records (left) and format-spec/README.md (right)");
        }
    }

    /** The keys of the first brace group of the text, and of later ones that start with the same key. */
    private void braces(Class<?> type, String text) {
        String first = null;
        for (String group : groups(text)) {
            List<String> items = items(group);
            Matcher head = IDENTIFIER.matcher(items.get(0));
            String key = head.matches() ? head.group(1) : null;
            if (first == null) {
                first = key;
            } else if (key == null || !key.equals(first)) {
                continue;
            }
            for (String item : items) {
                Matcher m = IDENTIFIER.matcher(item);
                assertNotNull(m.matches() ? m : null, "not a key in " + type.getSimpleName() + ": " + item);
                documented.computeIfAbsent(type, c -> new TreeSet<>()).add(m.group(1));
                Type inner = component(type, m.group(1));
                assertNotNull(inner, type.getSimpleName() + " has no " + m.group(1));
                if (m.group(2) != null && m.group(2).startsWith("{") && inner instanceof Class<?> c && c.isRecord()) {
                    braces(c, m.group(2));
                }
            }
        }
    }

    /** Each top-level {...} of the text, without its braces and without remarks in parentheses. */
    private static List<String> groups(String text) {
        List<String> groups = new ArrayList<>();
        int depth = 0;
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{' && depth++ == 0) {
                start = i + 1;
            } else if (c == '}' && --depth == 0) {
                groups.add(
                        text.substring(start, i).replaceAll("\\([^()]*\\)", "").trim());
            }
        }
        return groups;
    }

    /** The comma-separated items of a group, nested braces kept whole. */
    private static List<String> items(String group) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        StringBuilder item = new StringBuilder();
        for (char c : group.toCharArray()) {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (c == ',' && depth == 0) {
                items.add(item.toString().trim());
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        items.add(item.toString().trim());
        return items;
    }

    /** The JSON keys of a record: its components but the map of unknown keys, in snake case. */
    private static Set<String> components(Class<?> record) {
        Set<String> keys = new TreeSet<>();
        for (RecordComponent c : record.getRecordComponents()) {
            if (!c.getName().equals("other")) {
                keys.add(snake(c.getName()));
            }
        }
        return keys;
    }

    /** The type of the record's component written as this key; a map's or a list's is not a record. */
    private static Type component(Class<?> record, String key) {
        if (!record.isRecord()) {
            return null;
        }
        for (RecordComponent c : record.getRecordComponents()) {
            if (!c.getName().equals("other") && snake(c.getName()).equals(key)) {
                return c.getGenericType() instanceof ParameterizedType p ? p : c.getType();
            }
        }
        return null;
    }

    /** As Jackson's SNAKE_CASE names the components (JsonCodecTest shows the samples' keys come back). */
    private static String snake(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
}
