package org.tcprec.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output files in a directory another user can write: nothing planted there (a link at the old
 * temporary name or at the output, a device, a FIFO, a directory) makes tcprec write elsewhere or
 * replace something that is not a regular file, --force or not.
 */
class OutputFileTest {
    @TempDir
    Path dir;

    private static void write(OutputFile out, String text) throws IOException {
        Files.writeString(out.create(), text);
        out.commit(FileOwner.PROCESS);
    }

    @Test
    void aLinkPlantedAtTheTemporaryNameIsNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "root's file");
        Path target = dir.resolve("out.html");
        // the name tcprec used to write through, and any name of that shape
        Files.createSymbolicLink(dir.resolve(".out.html.tcprec-tmp"), victim);
        write(OutputFile.prepare(target, false), "report");
        assertEquals("root's file", Files.readString(victim));
        assertEquals("report", Files.readString(target));
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(List.of(".out.html.tcprec-tmp", "out.html", "victim"), names(), "no temporary left behind");
    }

    @Test
    void aLinkAtTheOutputIsNeverWrittenThroughNorReplacedEvenWithForce() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "root's file");
        Path target = Files.createSymbolicLink(dir.resolve("out.parquet"), victim);
        for (boolean force : new boolean[] {false, true}) {
            UserError e = assertThrows(UserError.class, () -> OutputFile.prepare(target, force));
            assertEquals(target + " is a symbolic link; refusing to write through it", e.getMessage());
        }
        assertEquals("root's file", Files.readString(victim));
    }

    @Test
    void devicesFifosAndDirectoriesAreNeverReplacedEvenWithForce() throws Exception {
        Path fifo = dir.resolve("fifo");
        run("mkfifo", fifo.toString());
        Path device = dir.resolve("null");
        run("mknod", "-m", "666", device.toString(), "c", "1", "3"); // /dev/null's numbers
        Path directory = Files.createDirectory(dir.resolve("directory"));
        for (Path target : List.of(fifo, device, directory)) {
            UserError e = assertThrows(UserError.class, () -> OutputFile.prepare(target, true));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(target + " is "), e.getMessage());
        }
        assertFalse(Files.isRegularFile(fifo));
        assertFalse(Files.isRegularFile(device));
        assertTrue(Files.isDirectory(directory));
    }

    @Test
    void aDeviceOrLinkPutInPlaceWhileWritingIsLeftAloneAndTheFileKeptBeside() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "root's file");
        Path target = dir.resolve("out.parquet");
        OutputFile out = OutputFile.prepare(target, true);
        Files.writeString(out.create(), "trace");
        Files.createSymbolicLink(target, victim);
        UserError e = assertThrows(UserError.class, () -> out.commit(FileOwner.PROCESS));
        assertEquals(
                target + " became a symbolic link while tcprec was writing it and was left alone; the new file is "
                        + dir.resolve("out.1.parquet"),
                e.getMessage());
        assertTrue(Files.isSymbolicLink(target));
        assertEquals("root's file", Files.readString(victim));
        assertEquals("trace", Files.readString(dir.resolve("out.1.parquet")));
    }

    @Test
    void aFileCreatedByOthersWhileWritingIsNotReplacedWithoutForce() throws IOException {
        Path target = dir.resolve("out.parquet");
        OutputFile out = OutputFile.prepare(target, false);
        Files.writeString(out.create(), "trace");
        Files.writeString(target, "theirs");
        UserError e = assertThrows(UserError.class, () -> out.commit(FileOwner.PROCESS));
        assertTrue(e.getMessage().contains("appeared while tcprec was writing it"), e.getMessage());
        assertEquals("theirs", Files.readString(target));
        assertEquals("trace", Files.readString(dir.resolve("out.1.parquet")));
        assertEquals(List.of("out.1.parquet", "out.parquet"), names());
    }

    @Test
    void forceReplacesARegularFile() throws IOException {
        Path target = Files.writeString(dir.resolve("out.parquet"), "old");
        assertThrows(UserError.class, () -> OutputFile.prepare(target, false));
        write(OutputFile.prepare(target, true), "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("out.parquet"), names());
    }

    @Test
    void theOwnerNamedIsTheOwnerOfTheFile() throws IOException {
        Path target = dir.resolve("out.parquet");
        OutputFile out = OutputFile.prepare(target, false);
        Files.writeString(out.create(), "trace");
        out.commit(FileOwner.parse("nobody:nogroup"));
        assertEquals("nobody", Files.getOwner(target, LinkOption.NOFOLLOW_LINKS).getName());
        assertEquals(65534, Files.getAttribute(target, "unix:gid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        UserError e = assertThrows(UserError.class, () -> FileOwner.parse("no-such-user-here"));
        assertEquals("--owner: no user no-such-user-here", e.getMessage());
    }

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", command));
    }
}
