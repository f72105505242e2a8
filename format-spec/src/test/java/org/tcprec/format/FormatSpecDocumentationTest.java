package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The specification's column table and the writer's columns are the same list, in the same order. */
class FormatSpecDocumentationTest {
    @Test
    void everyColumnIsDocumentedInFileOrder() throws Exception {
        String spec = Files.readString(Path.of("README.md"));
        String table = spec.substring(spec.indexOf("## Columns"), spec.indexOf("Notes:"));
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }
        List<String> written = new ArrayList<>();
        for (Column c : Column.values()) {
            written.add(c.columnName());
        }
        assertEquals(written, documented);
        assertTrue(spec.contains("# The tcprec trace file format, version " + TraceSchema.VERSION));
    }
}
