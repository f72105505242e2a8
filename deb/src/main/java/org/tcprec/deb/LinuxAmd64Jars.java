package org.tcprec.deb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the jars of a package's class path for the one platform the package is built for
 * (Architecture: amd64): the native libraries other platforms would load are left out (zstd-jni
 * and JNA carry some twenty each), and every entry is stored uncompressed, so that the package's
 * own compression works over all the classes at once instead of over each one deflated apart.
 *
 * <p>Argument: the directory of jars, rewritten in place.
 */
public final class LinuxAmd64Jars {
    /** A native library by its name: lib.so, x.dll, x.dylib, x.jnilib, x.a, and DuckDB's x.so_PLATFORM. */
    private static final Pattern NATIVE = Pattern.compile(".*\\.(so|dll|dylib|jnilib|a)$|.*\\.so_[^/]*$");
    /** The names the libraries use for Linux on x86-64: linux/amd64/, linux-x86-64/, _linux_amd64. */
    private static final Pattern LINUX_AMD64 = Pattern.compile(".*linux[-_/](amd64|x86[-_]64).*");

    private LinuxAmd64Jars() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: LinuxAmd64Jars LIB_DIR");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(Path.of(args[0]))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            rewrite(jar);
        }
    }

    static boolean keeps(String entryName) {
        String name = entryName.toLowerCase(Locale.ROOT);
        return !NATIVE.matcher(name).matches() || LINUX_AMD64.matcher(name).matches();
    }

    private static void rewrite(Path jar) throws IOException {
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".tmp");
        int natives = 0;
        int kept = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
                OutputStream file = Files.newOutputStream(rewritten);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : in.stream().toList()) {
                boolean isNative =
                        NATIVE.matcher(entry.getName().toLowerCase(Locale.ROOT)).matches();
                natives += isNative ? 1 : 0;
                if (!keeps(entry.getName())) {
                    continue;
                }
                kept += isNative ? 1 : 0;
                byte[] bytes;
                try (InputStream data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                CRC32 crc = new CRC32();
                crc.update(bytes);
                ZipEntry stored = new ZipEntry(entry.getName());
                stored.setMethod(ZipEntry.STORED);
                stored.setSize(bytes.length);
                stored.setCompressedSize(bytes.length);
                stored.setCrc(crc.getValue());
                stored.setTime(entry.getTime());
                out.putNextEntry(stored);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (natives > 0 && kept == 0) {
            Files.delete(rewritten);
            throw new IOException(jar.getFileName() + " has native libraries, none of them for Linux x86-64");
        }
        long before = Files.size(jar);
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf(
                Locale.ROOT,
                "%s: %d -> %d bytes stored, %d of %d native libraries kept%n",
                jar.getFileName(),
                before,
                Files.size(jar),
                kept,
                natives);
    }
}
