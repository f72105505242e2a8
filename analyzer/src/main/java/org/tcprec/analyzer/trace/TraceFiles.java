package org.tcprec.analyzer.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tcprec.cli.support.UserError;

/**
 * Expands the trace arguments users give: file names, or shell-style globs like 'fleet/*.parquet'
 * or 'fleet/host=*' + '/*.parquet' (a glob in a directory's name matches one directory level).
 */
public final class TraceFiles {
    private TraceFiles() {}

    public static List<Path> expand(List<String> arguments) {
        List<Path> files = new ArrayList<>();
        for (String argument : arguments) {
            // A file that exists is that file, whatever characters its name holds.
            if (Files.exists(Path.of(argument))
                    || !argument.contains("*") && !argument.contains("?") && !argument.contains("[")) {
                files.add(Path.of(argument));
                continue;
            }
            // Globs may stand in directory names too, as in a fleet laid out by host: 'fleet/host=*/*.parquet'.
            Path pattern = Path.of(argument);
            Path dir = Path.of(pattern.isAbsolute() ? "/" : "");
            int literal = 0;
            while (literal < pattern.getNameCount() - 1
                    && !isGlob(pattern.getName(literal).toString())) {
                dir = dir.resolve(pattern.getName(literal));
                literal++;
            }
            Path relative = pattern.subpath(literal, pattern.getNameCount());
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + relative);
            Path start = dir.toString().isEmpty() ? Path.of(".") : dir;
            List<Path> matched = new ArrayList<>();
            try (Stream<Path> entries = Files.walk(start, relative.getNameCount())) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Path name = start.relativize(entry);
                    if (name.getNameCount() == relative.getNameCount()
                            && matcher.matches(name)
                            && Files.isRegularFile(entry)) {
                        matched.add(start.resolve(name));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new UserError("no trace file matches " + argument + ": "
                        + whyUnlisted(start, e instanceof UncheckedIOException u ? u.getCause() : (IOException) e));
            }
            if (matched.isEmpty()) {
                throw new UserError("no trace file matches " + argument);
            }
            matched.sort(null);
            files.addAll(matched);
        }
        return files;
    }

    private static boolean isGlob(String name) {
        return name.contains("*") || name.contains("?") || name.contains("[");
    }

    private static String whyUnlisted(Path dir, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "there is no directory " + dir;
        }
        if (e instanceof NotDirectoryException) {
            return dir + " is not a directory";
        }
        if (e instanceof AccessDeniedException) {
            return "cannot read the directory " + dir + " (permission denied)";
        }
        return "cannot read the directory " + dir + " (" + e.getMessage() + ")";
    }
}
