package org.tcprec.recorder;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tcprec.cli.support.ExitCodes;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.recorder.bpf.KernelFeatures;
import org.tcprec.recorder.host.HostFacts;
import org.tcprec.recorder.host.TraceFs;
import org.tcprec.recorder.host.TracepointCatalog;
import org.tcprec.recorder.wire.ColumnSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "List this kernel's TCP and socket tracepoints (tcp:, sock:) with their fields and types, "
                    + "which of them tcprec records, the trace column each field fills, and what this kernel lacks "
                    + "that tcprec would read.",
            "Reads tracefs, mounting it at /sys/kernel/tracing when needed (as root)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo tcprec list             the tracepoints, their fields and the columns they fill",
            "  sudo tcprec list --json      the same as one JSON object"
        })
public final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        TraceFs traceFs;
        try {
            traceFs = TraceFs.mountIfNeeded();
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
        Set<KernelFeatures.Feature> missing = KernelFeatures.missing();
        TracepointCatalog catalog =
                TracepointCatalog.of(HostFacts.host().uname().release(), TracepointCatalog.formats(traceFs), missing);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonCodec.write(catalog));
        } else {
            print(out, catalog, traceFs);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, TracepointCatalog catalog, TraceFs traceFs) {
        out.printf(Locale.ROOT, "kernel: Linux %s; tracefs: %s%n", catalog.kernel(), traceFs.root());
        out.printf(Locale.ROOT, "%nEvery recorded event: the columns event (the tracepoint's name) and%n");
        for (ColumnSources.Source s : ColumnSources.common()) {
            out.printf(Locale.ROOT, "    %-10s %s%n", s.column(), s.other());
        }
        Set<String> common = new HashSet<>();
        ColumnSources.common().forEach(s -> common.add(s.column()));
        for (TracepointCatalog.Tracepoint tp : catalog.tracepoints()) {
            out.printf(Locale.ROOT, "%n%s%s%n", tp.name(), tp.recorded() ? "  (recorded)" : "");
            int width =
                    tp.fields().stream().mapToInt(f -> f.type().length()).max().orElse(0);
            for (TracepointCatalog.Field f : tp.fields()) {
                out.printf(
                        Locale.ROOT,
                        "    %-" + width + "s %-14s offset %3d size %2d%s%n",
                        f.type(),
                        f.name(),
                        f.offset(),
                        f.size(),
                        f.columns().isEmpty() ? "" : "  -> " + String.join(", ", f.columns()));
            }
            for (TracepointCatalog.Column c : tp.columns()) {
                if (c.fields().isEmpty() && !common.contains(c.column())) {
                    out.printf(
                            Locale.ROOT,
                            "    %s <- %s%n",
                            c.column(),
                            c.nullHere() ? "nothing: null on this kernel" : c.other());
                }
            }
        }
        out.printf(Locale.ROOT, "%nThis kernel lacks:%s%n", catalog.lacks().isEmpty() ? " nothing tcprec reads" : "");
        for (TracepointCatalog.Lack lack : catalog.lacks()) {
            out.printf(Locale.ROOT, "    %s: %s%n", lack.what(), lack.effect());
        }
    }
}
