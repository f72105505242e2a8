package org.tcprec.format.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The metadata records are first used on several threads at once (a report binds a trace's
 * metadata on one while the command line warms the binding on another), so their classes must
 * initialise in any order: {@link TraceMetadata}'s initialisation builds each nested record's
 * empty value, so no nested record's initialisation may need TraceMetadata's, or two threads
 * starting from either end wait for each other for ever. Each nested record is initialised in a
 * JVM of its own, which logs what it initialises.
 */
class MetadataClassInitTest {
    private static final String OUTER = "'" + TraceMetadata.class.getName().replace('.', '/') + "'";

    @Test
    void noNestedRecordNeedsTheOuterRecordInitialised() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Class<?>[] nested = TraceMetadata.class.getDeclaredClasses();
        assertTrue(nested.length > 10, "the nested records");
        for (Class<?> c : nested) {
            Process p = new ProcessBuilder(
                            java,
                            "-Xlog:class+init=info:stdout",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Initialise.class.getName(),
                            c.getName())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("Initializing '" + c.getName().replace('.', '/') + "'"), out);
            assertFalse(out.contains("Initializing " + OUTER), c.getSimpleName() + " initialises TraceMetadata");
        }
    }

    /** Initialises the class named, nothing else of the metadata. */
    public static final class Initialise {
        public static void main(String[] args) throws Exception {
            Class.forName(args[0], true, Initialise.class.getClassLoader());
        }
    }
}
