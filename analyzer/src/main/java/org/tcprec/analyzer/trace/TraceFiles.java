package org.tcprec.analyzer.trace;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import org.tcprec.cli.support.UserError;

/** Expands the trace arguments users give: file names, or shell-style globs like 'fleet/*.parquet'. */
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
            Path pattern = Path.of(argument);
            Path dir = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
            List<Path> matched = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (matcher.matches(entry.getFileName()) && Files.isRegularFile(entry)) {
                        matched.add(entry);
                    }
                }
            } catch (IOException e) {
                throw new UserError("no trace file matches " + argument + ": " + whyUnlisted(dir, e));
            }
            if (matched.isEmpty()) {
                throw new UserError("no trace file matches " + argument);
            }
            matched.sort(null);
            files.addAll(matched);
        }
        return files;
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
