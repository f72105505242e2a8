package org.tcprec.cli.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Which build this is: the pom's version and the git commit it was built from, written into
 * build.properties by the build, so that neither is kept by hand in the code.
 */
public final class BuildInfo {
    private static final Properties PROPERTIES = load();

    private BuildInfo() {}

    /** The version with its commit, as {@code --version} prints it and a trace's {@code tool.version} keeps it. */
    public static String version() {
        return PROPERTIES.getProperty("version") + " (commit " + PROPERTIES.getProperty("commit") + ")";
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from the build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
