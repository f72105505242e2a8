package org.tcprec.recorder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the recorder in a JVM of its own, the way a user runs it. */
final class RecorderProcess {
    private RecorderProcess() {}

    static Process start(Path log, Map<String, String> env, String... args) throws IOException {
        return start(log, env, List.of(), args);
    }

    /**
     * Runs a recorder subcommand to its end in a JVM of its own (record installs signal handlers,
     * which the test's JVM should keep its own); checks the exit code and returns the output lines.
     */
    static List<String> run(int exit, String... args) throws IOException, InterruptedException {
        Path log = java.nio.file.Files.createTempFile("tcprec-run", ".log");
        try {
            Process p = start(log, Map.of(), args);
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tcprec " + String.join(" ", args) + " did not end");
            }
            String output = java.nio.file.Files.readString(log);
            org.junit.jupiter.api.Assertions.assertEquals(exit, p.exitValue(), output);
            return output.lines().filter(l -> !l.startsWith("SLF4J:")).toList();
        } finally {
            java.nio.file.Files.deleteIfExists(log);
        }
    }

    /** The same, run through {@code prefix} (e.g. setpriv, to drop capabilities). */
    static Process start(Path log, Map<String, String> env, List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // as the runnable jar's manifest allows it: JDK 22+ otherwise warns on JNA's first load
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TcprecTestMain.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // the trace's owner comes from sudo's variables: only a test that sets them has them
        pb.environment().remove("SUDO_UID");
        pb.environment().remove("SUDO_GID");
        pb.environment().putAll(env);
        return pb.start();
    }
}
