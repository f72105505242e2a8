package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * The Debian packages in a clean Debian 12 root without a JDK ({@code src/test/install/
 * install-record-remove.sh}): apt installs each, its /usr/bin/tcprec records a workload of
 * known connections in a network namespace of the harness, and dpkg --purge removes it. Here the
 * trace is replayed with this checkout's tcprec and checked against the workload and the
 * namespace's own counters, and what the purge left is checked. Runs with
 * {@code mvn -Ppackages verify} (as root; .ci/run does); it fails, never skips.
 */
class PackageInstallIT {
    static final List<String> PACKAGES = List.of("tcprec-recorder", "tcprec");
    static Path out;

    @BeforeAll
    static void installRecordRemove() throws Exception {
        KernelTestSupport.requireRoot();
        out = Path.of(System.getProperty("tcprec.install.out", "target/install-test"))
                .toAbsolutePath();
        Path cache = Path.of(System.getProperty("tcprec.install.cache", "target/clean-root"))
                .toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of("src/test/install/install-record-remove.sh")
                        .toAbsolutePath()
                        .toString(),
                cache.toString(),
                out.toString()));
        for (String name : PACKAGES) {
            command.add(deb(name).toString());
        }
        Files.createDirectories(out);
        Path log = out.resolve("install-record-remove.log");
        long start = System.nanoTime();
        int exit = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start()
                .waitFor();
        String text = Files.readString(log);
        System.out.print(text);
        System.out.printf("install-record-remove.sh: %.0f s%n", (System.nanoTime() - start) / 1e9);
        if (exit != 0) {
            List<String> lines = text.lines().toList();
            fail("install-record-remove.sh exited " + exit + ": "
                    + (lines.isEmpty() ? "" : lines.get(lines.size() - 1)));
        }
    }

    static Path deb(String name) throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(
                            f -> f.getFileName().toString().matches(Pattern.quote(name) + "_[^_]+_amd64\\.deb"))
                    .toList();
            assertEquals(1, debs.size(), "one " + name + " package in target/: " + debs);
            return debs.get(0).toAbsolutePath();
        }
    }

    static List<String> lines(String name, String file) throws IOException {
        return Files.readAllLines(out.resolve(name).resolve(file));
    }

    static Path trace(String name) {
        return out.resolve(name).resolve(name + ".parquet");
    }

    /** This checkout's tcprec (the runnable jar the cli module built), as a process. */
    static String checkoutTcprec(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("..", "cli", "target", "tcprec.jar").toString()));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    static List<JsonNode> jsonLines(String text) {
        return text.lines().map(JsonCodec::tree).toList();
    }

    static long asLong(JsonNode o) {
        return o.longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theInstalledVersionIsThisBuildAndItsTraceSaysTheSame(String name) throws Exception {
        String version = lines(name, "version.txt").get(0);
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").start();
        String commit =
                new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        assertEquals(0, git.waitFor());
        Matcher m = Pattern.compile("tcprec (\\S+ \\(commit " + commit + "(-dirty)?\\)), trace format \\S+")
                .matcher(version);
        assertTrue(m.matches(), version);
        assertEquals(m.group(1), TraceFooter.read(trace(name)).metadata().tool().version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theReplayOnTheHostMatchesTheWorkloadAndTheNamespacesCounters(String name) throws Exception {
        Path trace = trace(name);
        List<JsonNode> life = jsonLines(checkoutTcprec("tcplife", "--json", trace.toString()));
        List<EchoTraffic.Connection> echoes = EchoTraffic.fromWorkloadLines(lines(name, "workload.txt"));
        for (EchoTraffic.Connection e : echoes) {
            // bytes_acked and bytes_received count the SYN and the FIN (RecordLoopbackTrafficTest)
            JsonNode c = one(life, e.clientPort(), e.serverPort());
            JsonNode s = one(life, e.serverPort(), e.clientPort());
            assertEquals(e.clientSent() + 2, asLong(c.get("tx_bytes")), e.toString());
            assertEquals(e.clientReceived() + 1, asLong(c.get("rx_bytes")), e.toString());
            assertEquals(e.serverSent() + 1, asLong(s.get("tx_bytes")), e.toString());
            assertEquals(e.serverReceived() + 1, asLong(s.get("rx_bytes")), e.toString());
        }
        assertEquals(5, echoes.size(), "workload.py clean makes five echo connections, and nothing else");
        assertEquals(5, lines(name, "workload.txt").size());
        assertEquals(2 * echoes.size(), life.size(), "the recording was filtered to the workload's namespace");
        Map<String, Long> tcp = snmpDelta(name);
        assertEquals(tcp.get("ActiveOpens"), (long) jsonLines(checkoutTcprec("tcpconnect", "--json", trace.toString()))
                .size());
        assertEquals(tcp.get("PassiveOpens"), (long) jsonLines(checkoutTcprec("tcpaccept", "--json", trace.toString()))
                .size());
        assertEquals(echoes.size(), tcp.get("ActiveOpens"));
    }

    private static JsonNode one(List<JsonNode> rows, int lport, int rport) {
        List<JsonNode> m = rows.stream()
                .filter(r -> asLong(r.get("lport")) == lport && asLong(r.get("rport")) == rport)
                .toList();
        assertEquals(1, m.size(), "one tcplife row for " + lport + " -> " + rport + " in " + rows);
        return m.get(0);
    }

    private static Map<String, Long> snmpDelta(String name) throws IOException {
        Map<String, Long> before = TestNetns.parseSnmp(String.join("\n", lines(name, "snmp.before")), "Tcp");
        Map<String, Long> after = TestNetns.parseSnmp(String.join("\n", lines(name, "snmp.after")), "Tcp");
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    /** info of the installed package (the recorder-only one has no DuckDB) prints what the checkout's prints. */
    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theInstalledInfoPrintsWhatTheCheckoutsPrints(String name) throws Exception {
        String installed = String.join("\n", lines(name, "info.txt")) + "\n";
        String checkout = checkoutTcprec("info", trace(name).toString());
        // the file line names the path, which differs inside and outside the root
        assertEquals(
                checkout.lines().skip(1).toList(), installed.lines().skip(1).toList());
        assertTrue(
                installed.lines().findFirst().orElseThrow().startsWith("file:        /root/" + name + ".parquet ("),
                installed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void thePackageHoldsItsManPagesCompletionAndDocsAndOnlyItsDuckDb(String name) throws Exception {
        List<String> files = lines(name, "contents.txt");
        assertTrue(files.contains("/usr/bin/tcprec"), files.toString());
        assertTrue(files.contains("/usr/share/bash-completion/completions/tcprec"), files.toString());
        assertTrue(files.contains("/usr/share/doc/" + name + "/copyright"), files.toString());
        assertTrue(files.contains("/usr/share/doc/" + name + "/changelog.gz"), files.toString());
        for (String page : List.of("tcprec", "tcprec-record", "tcprec-recover", "tcprec-info")) {
            assertTrue(files.contains("/usr/share/man/man1/" + page + ".1.gz"), page);
        }
        List<String> duckdb = files.stream().filter(f -> f.contains("duckdb")).toList();
        if (name.equals("tcprec")) {
            assertTrue(files.contains("/usr/share/man/man1/tcprec-tcplife.1.gz"));
            assertEquals(1, duckdb.size(), duckdb.toString());
            assertTrue(
                    duckdb.get(0).matches("/usr/lib/tcprec/lib/duckdb_jdbc-[^/]+-linux_amd64\\.jar"),
                    duckdb.toString());
        } else {
            assertEquals(List.of(), duckdb);
            assertTrue(files.stream().noneMatch(f -> f.contains("tcplife")), files.toString());
        }
    }

    /**
     * The full package carries its own runtime and needs no Java from the system; the
     * recorder-only one carries none and ran on the Java runtime apt installed for its Depends.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theFullPackageCarriesItsRuntimeTheRecorderOnlyOneRanOnDebians(String name) throws Exception {
        List<String> files = lines(name, "contents.txt");
        List<String> java = lines(name, "java.txt");
        if (name.equals("tcprec")) {
            assertTrue(files.contains("/usr/lib/tcprec/runtime/bin/java"), files.toString());
            assertEquals(List.of("no java package"), java);
        } else {
            assertTrue(files.stream().noneMatch(f -> f.startsWith("/usr/lib/tcprec/runtime")), files.toString());
            assertEquals(1, java.size(), java.toString());
            assertTrue(java.get(0).startsWith("openjdk-17-jre-headless "), java.toString());
        }
    }

    /**
     * Each package brings libbpf 1.x in /usr/lib/tcprec/native and needs no libbpf package of the
     * distribution (Ubuntu 22.04 has only libbpf 0.5): the clean root has no other libbpf, and the
     * recorder had the bundled one mapped while it recorded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theRecorderRanOnTheBundledLibbpfAndNoLibbpfPackage(String name) throws Exception {
        assertEquals(
                List.of("file /usr/lib/tcprec/native/libbpf.so.1", "mapped /usr/lib/tcprec/native/libbpf.so.1"),
                lines(name, "libbpf.txt"));
    }

    /** The installed launcher gave the recorder's JVM the options of recorder/record-jvm-options. */
    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theInstalledLauncherGaveTheRecorderItsJvmOptions(String name) throws Exception {
        List<String> options = Files.readAllLines(Path.of("..", "recorder", "record-jvm-options")).stream()
                .map(l -> l.replaceAll("#.*", "").strip())
                .filter(l -> !l.isEmpty())
                .toList();
        assertTrue(!options.isEmpty());
        List<String> cmdline = lines(name, "cmdline.txt");
        assertTrue(cmdline.containsAll(options), cmdline.toString());
        assertTrue(cmdline.indexOf(options.get(0)) < cmdline.indexOf("record"), cmdline.toString());
    }

    /**
     * The versions Ubuntu 22.04 (jammy, with jammy-updates) publishes of every package the two
     * packages may depend on. Its archive is not reachable from the build machine, so they are
     * stated here, from Ubuntu's package pages; the install itself is proven on Debian 12 above.
     */
    static final Map<String, String> UBUNTU_22_04 = Map.of(
            "libc6", "2.35-0ubuntu3",
            "libelf1", "0.186-1build1",
            "zlib1g", "1:1.2.11.dfsg-2ubuntu9",
            "libstdc++6", "12.3.0-1ubuntu1~22.04",
            "libgcc-s1", "12.3.0-1ubuntu1~22.04",
            "openjdk-17-jre-headless", "17.0.2+8-1~22.04");

    /** Every entry of the package's Depends is met by a package of Ubuntu 22.04 at its version. */
    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void everyDependencyIsMetByUbuntu2204(String name) throws Exception {
        String depends =
                run("dpkg-deb", "--field", deb(name).toString(), "Depends").strip();
        Pattern relation = Pattern.compile("(\\S+)(?: \\((>=|>>|=|<=|<<) (\\S+)\\))?");
        for (String entry : depends.split(", ")) {
            boolean met = false;
            for (String alternative : entry.split(" \\| ")) {
                Matcher m = relation.matcher(alternative.strip());
                assertTrue(m.matches(), alternative);
                String version = UBUNTU_22_04.get(m.group(1));
                met |= version != null
                        && (m.group(2) == null
                                || new ProcessBuilder("dpkg", "--compare-versions", version, m.group(2), m.group(3))
                                                .start()
                                                .waitFor()
                                        == 0);
            }
            assertTrue(met, name + " depends on " + entry + ", which Ubuntu 22.04 does not have: " + depends);
        }
    }

    /** A command's standard output; it must exit 0. */
    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command));
        return text;
    }

    /** Only the natives of Linux x86-64 are left in the jars (LinuxAmd64Jars). */
    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void theJarsCarryTheNativeLibrariesOfLinuxX8664Only(String name) throws Exception {
        List<String> natives = lines(name, "natives.txt");
        assertTrue(natives.contains("com/sun/jna/linux-x86-64/libjnidispatch.so"), natives.toString());
        assertTrue(natives.stream().anyMatch(n -> n.matches("linux/amd64/libzstd-jni-.*\\.so")), natives.toString());
        assertEquals(name.equals("tcprec") ? 3 : 2, natives.size(), natives.toString());
    }

    /** The synopsis keeps --owner's bracketed label and the options after it (ManualPages). */
    @ParameterizedTest
    @ValueSource(strings = {"recorder", "full"})
    void theManPagesSynopsisShowsEveryOptionOfRecord(String stage) throws Exception {
        String troff = Files.readString(Path.of("target", stage, "man", "tcprec-record.1"));
        String synopsis = troff.substring(troff.indexOf(".SH \"SYNOPSIS\""), troff.indexOf(".SH \"DESCRIPTION\""));
        assertTrue(
                synopsis.contains("[\\fB\\-\\-owner\\fP=\\fIUSER[:GROUP]\\fP] [\\fB\\-p\\fP=\\fIPID\\fP]"), synopsis);
        String recover = Files.readString(Path.of("target", stage, "man", "tcprec-recover.1"));
        assertTrue(recover.contains("[\\fB\\-\\-owner\\fP=\\fIUSER[:GROUP]\\fP] \\fIFILE\\fP"), recover);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcprec-recorder", "tcprec"})
    void thePurgeLeavesOnlyTheUsersTrace(String name) throws Exception {
        assertEquals(List.of("/root/" + name + ".parquet"), lines(name, "left-after-purge.txt"));
    }
}
