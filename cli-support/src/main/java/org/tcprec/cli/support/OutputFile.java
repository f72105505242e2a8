package org.tcprec.cli.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one way tcprec creates a file it was asked to write (record, recover, report -o, scrub -o).
 * tcprec runs as root in directories other users can write (/tmp), so:
 * <ul>
 * <li>the content is written in a private directory (mode 0700, made by mkdir, which never follows
 *   a link) beside the target, so no name the writer opens can have been planted by someone else;
 * <li>the file appears only when complete, by rename, and only over a regular file or nothing:
 *   never through a symbolic link, never over a device, FIFO, socket or directory, --force or not;
 * <li>without --force an existing file is never replaced, also when it appeared while tcprec was
 *   working: the new file is then linked to a free name beside it, and the error says where;
 * <li>mode 0600, owned by the user named with --owner, or else by the user who ran sudo.
 * </ul>
 */
public final class OutputFile {
    private final Path target;
    /** The target's directory and name, both present: {@link #prepare} refuses a target without. */
    private final Path directory;

    private final Path name;
    private final boolean force;
    private Path privateDir;
    private Path file;

    private OutputFile(Path target, Path directory, Path name, boolean force) {
        this.target = target;
        this.directory = directory;
        this.name = name;
        this.force = force;
    }

    /** Checks that {@code target} may be written, before any work is done; inputs must not be the target. */
    public static OutputFile prepare(Path target, boolean force, Path... inputs) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path name = absolute.getFileName();
        if (dir == null || name == null || !Files.isDirectory(dir)) {
            throw new UserError("cannot write " + target + ": directory " + dir + " does not exist");
        }
        refuseNonRegular(target, absolute);
        for (Path input : inputs) {
            try {
                if (Files.exists(absolute) && Files.exists(input) && Files.isSameFile(input, absolute)) {
                    throw new UserError(target + " is the input file; write the output to another file");
                }
            } catch (IOException e) {
                throw new UserError("cannot check " + target + ": " + e.getMessage());
            }
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new UserError(target + " already exists; use --force to overwrite it");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError("cannot write " + target + ": directory " + dir + " is not writable");
        }
        return new OutputFile(absolute, dir, name, force);
    }

    /** Throws unless {@code path} is absent or a regular file (not followed through a link). */
    private static void refuseNonRegular(Path shown, Path path) {
        String kind = nonRegularKind(path);
        if (kind != null) {
            throw new UserError(shown + " is " + kind + "; refusing to "
                    + (kind.contains("link") ? "write through" : "replace") + " it");
        }
    }

    /** What {@code path} is when it is neither absent nor a regular file; null when it is one of those. */
    private static String nonRegularKind(Path path) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // absent
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isDirectory()) {
            return "a directory";
        }
        return attributes.isRegularFile() ? null : "not a regular file (a device, FIFO or socket)";
    }

    public Path target() {
        return target;
    }

    /** The target's file name. */
    public Path name() {
        return name;
    }

    /** The target's directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Creates the empty file to write (mode 0600) inside a new private directory beside the target.
     * Write it by this path, then {@link #commit}; {@link #abandon} after a failure.
     */
    public Path create() throws IOException {
        if (file == null) {
            privateDir = Files.createTempDirectory(
                    directory,
                    "." + name + ".tcprec-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            file = Files.createFile(
                    privateDir.resolve(name),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return file;
    }

    /**
     * Makes the written file durable, gives it to {@code owner}, and moves it to the target.
     * Without --force an existing target stays, the file is kept under a free name beside it, and
     * a {@link UserError} says where.
     */
    public void commit(FileOwner owner) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        owner.give(file);
        try {
            String kind = nonRegularKind(target);
            if (kind != null || !(force ? replace() : linkAs(target))) {
                Path kept = keepBeside();
                throw new UserError(target + (kind != null ? " became " + kind : " appeared")
                        + " while tcprec was writing it and was left alone; the new file is " + kept
                        + (kind != null ? "" : " (use --force to replace)"));
            }
        } finally {
            abandon();
        }
        syncDirectory(directory);
    }

    /** Renames the file over the target (a regular file or nothing, checked just before). */
    private boolean replace() throws IOException {
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename into " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives the file a second name, only if that name is free: link(2) fails on any existing
     * entry, link or not, which a check followed by a rename could not promise. On a file system
     * without hard links it falls back to that check and rename.
     */
    private boolean linkAs(Path link) throws IOException {
        try {
            Files.createLink(link, file);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(file, link, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    private Path keepBeside() throws IOException {
        String fileName = name.toString();
        int dot = fileName.lastIndexOf('.');
        String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
        String suffix = dot > 0 ? fileName.substring(dot) : "";
        for (int n = 1; n < 1000; n++) {
            Path candidate = target.resolveSibling(stem + "." + n + suffix);
            if (linkAs(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no free name beside " + target);
    }

    /** Removes the private directory and whatever it holds. */
    public void abandon() {
        if (privateDir == null) {
            return;
        }
        try (Stream<Path> entries = Files.walk(privateDir)) {
            for (Path p : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // the failure being reported matters more than a leftover temporary directory
        }
        privateDir = null;
        file = null;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename itself has happened
        }
    }
}
