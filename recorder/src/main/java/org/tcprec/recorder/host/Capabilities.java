package org.tcprec.recorder.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks the effective capabilities recording needs, to say which one is missing. */
public final class Capabilities {
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    private Capabilities() {}

    /** Empty when recording may proceed; otherwise what is missing, for the user. */
    public static Optional<String> missingForRecording() {
        long effective;
        try {
            effective = effective(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            return Optional.empty(); // cannot tell: let the kernel decide and report its error
        }
        return missing(effective);
    }

    static Optional<String> missing(long effective) {
        boolean sysAdmin = has(effective, CAP_SYS_ADMIN);
        boolean bpf = has(effective, CAP_BPF) || sysAdmin;
        boolean perfmon = has(effective, CAP_PERFMON) || sysAdmin;
        if (bpf && perfmon) {
            return Optional.empty();
        }
        StringBuilder what = new StringBuilder();
        if (!bpf) {
            what.append("CAP_BPF");
        }
        if (!perfmon) {
            what.append(what.length() > 0 ? " and " : "").append("CAP_PERFMON");
        }
        return Optional.of("recording needs " + what + " (or CAP_SYS_ADMIN) to load and attach BPF programs: "
                + "run it as root, e.g. with sudo");
    }

    static long effective(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        return 0;
    }

    private static boolean has(long mask, int capability) {
        return (mask & (1L << capability)) != 0;
    }
}
