package org.tcprec.analyzer.output;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.tcprec.cli.support.UserError;

/**
 * A file a command writes, with the rules `record` follows: an existing file needs --force, a
 * symbolic link is never written through, and the file appears only when complete (it is written
 * under a temporary name beside it and renamed into place).
 */
public final class OutputFile {
    private final Path target;
    private final Path temporary;

    private OutputFile(Path target) {
        this.target = target;
        this.temporary = target.toAbsolutePath().getParent().resolve("." + target.getFileName() + ".tcprec-tmp");
    }

    /** Checks that {@code target} may be written, before any work is done. */
    public static OutputFile prepare(Path target, boolean force, Path... inputs) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserError("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (Files.isSymbolicLink(target)) {
            throw new UserError(target + " is a symbolic link; refusing to write through it");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError(target + " is a directory");
        }
        for (Path input : inputs) {
            try {
                if (Files.exists(target) && Files.exists(input) && Files.isSameFile(input, target)) {
                    throw new UserError(target + " is the input file; write the output to another file");
                }
            } catch (IOException e) {
                throw new UserError("cannot check " + target + ": " + e.getMessage());
            }
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new UserError(target + " already exists; use --force to overwrite it");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError("cannot write " + target + ": directory " + dir + " is not writable");
        }
        return new OutputFile(target);
    }

    /** Where to write; {@link #commit()} moves it into place. */
    public Path temporary() {
        return temporary;
    }

    public void commit() throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the temporary file after a failure. */
    public void abandon() {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // the failure being reported matters more than a leftover temporary file
        }
    }
}
