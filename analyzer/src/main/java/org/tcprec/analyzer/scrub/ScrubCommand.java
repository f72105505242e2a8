package org.tcprec.analyzer.scrub;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tcprec.analyzer.output.TraceToFile;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.FileOwner;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.cli.support.UserError;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "scrub",
        mixinStandardHelpOptions = true,
        description = {
            "Write a copy of a trace that can be attached to a public bug report: addresses replaced "
                    + "prefix-preservingly (ranges like 127/8, 10/8 or fe80::/10 stay recognisable, public stays public), "
                    + "process names, kernel addresses, socket cookies, host name, boot id and command line replaced. "
                    + "Ports, times, states, byte counts and everything else are kept, so every report reads the same "
                    + "apart from the replaced values.",
            "The mapping is keyed: traces scrubbed with the same --key-file still correlate (the same address "
                    + "maps to the same address). Without --key-file a random key is used once and not stored."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  tcprec scrub web1.parquet -o public.parquet --key-file K     the copy to attach...",
            "  tcprec report public.parquet -o public.html                   ...with a page about it",
            "  tcprec scrub web2.parquet -o public2.parquet --key-file K   with a kept key: addresses map alike"
        })
public final class ScrubCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TraceToFile files;

    @Option(
            names = "--key-file",
            paramLabel = "FILE",
            description = "Secret key (the file's bytes, at least 16; e.g. head -c 32 /dev/urandom > FILE). "
                    + "The same key maps the same values the same way in every trace.")
    Path keyFile;

    @ArgGroup(exclusive = true)
    Ports ports;

    static final class Ports {
        @Option(
                names = "--scrub-ports",
                required = true,
                description = "Replace ports too (a keyed shuffle within 1-1023 and 1024-65535).")
        boolean scrub;

        @Option(names = "--keep-ports", required = true, description = "Keep ports (the default).")
        boolean keep;
    }

    @Option(names = "--keep-comm", description = "Keep process names (comm).")
    boolean keepComm;

    @Override
    public Integer call() {
        boolean scrubPorts = ports != null && ports.scrub;
        OutputFile out = files.prepare();
        ScrubKey key = keyFile != null ? ScrubKey.fromFile(keyFile) : ScrubKey.random();
        TraceScrubber.Result result;
        try {
            result = new TraceScrubber(key, new TraceScrubber.Options(scrubPorts, keepComm))
                    .scrub(files.input, out.create());
            out.commit(FileOwner.of(null));
        } catch (IOException e) {
            out.abandon();
            throw new UserError("cannot write " + files.output + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.abandon();
            throw e;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                Locale.ROOT,
                "tcprec: scrubbed %,d events to %s: %d addresses, %d sockets, %s; ports %s%n",
                result.rows(),
                files.output,
                result.addresses(),
                result.sockets(),
                keepComm ? "process names kept" : result.comms() + " process names",
                scrubPorts ? "replaced" : "kept");
        if (!result.droppedKeys().isEmpty() || !result.droppedColumns().isEmpty()) {
            err.println("tcprec: dropped what this version cannot vouch for: "
                    + String.join(", ", result.droppedKeys())
                    + (result.droppedColumns().isEmpty()
                            ? ""
                            : (result.droppedKeys().isEmpty() ? "" : ", ") + "columns "
                                    + String.join(", ", result.droppedColumns())));
        }
        if (key.isRandom()) {
            err.println("tcprec: no --key-file: the key was random and is not stored, so no other trace will map "
                    + "the same way (key fingerprint " + key.fingerprint() + ")");
        }
        err.flush();
        return ExitCodes.OK;
    }
}
