package org.tcprec.analyzer.html;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTML report's SQL, kept in {@code report.sql} beside {@code views.sql} and read by name.
 * A query's {@code ${name}} placeholders are filled in with the values given, or else with the
 * text of the file's query of that name; the page shows the filled-in text, which runs as it is.
 */
final class ReportQueries {
    private static final String FILE = "/org/tcprec/analyzer/report.sql";
    private static final String MARKER = "-- query: ";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final Map<String, String> QUERIES = load();

    private ReportQueries() {}

    /** The query of that name, its placeholders filled in from the values (names, then values). */
    static String sql(String name, Object... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], String.valueOf(namesAndValues[i + 1]));
        }
        return fill(name, values);
    }

    private static String fill(String name, Map<String, String> values) {
        String text = QUERIES.get(name);
        if (text == null) {
            throw new IllegalStateException("no query " + name + " in " + FILE);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = values.containsKey(key) ? values.get(key) : fill(key, values);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Each query's lines from its marker to the next, without the file's comments and trailing blank lines. */
    private static Map<String, String> load() {
        String file;
        try (InputStream in = ReportQueries.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is missing from the analyzer");
            }
            file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(FILE + " is unreadable", e);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        String name = null;
        StringBuilder text = new StringBuilder();
        for (String line : (file + "\n" + MARKER + "\n").split("\n", -1)) {
            if (line.startsWith(MARKER)) {
                if (name != null) {
                    queries.put(name, text.toString().strip());
                }
                name = line.substring(MARKER.length()).strip();
                text.setLength(0);
            } else if (!line.startsWith("--") && name != null) {
                text.append(line).append('\n');
            }
        }
        return queries;
    }
}
