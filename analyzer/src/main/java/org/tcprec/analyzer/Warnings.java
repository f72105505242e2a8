package org.tcprec.analyzer;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.TerminalText;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.TraceMetadata;

/** The lines every report prints (to stderr) when a trace is incomplete. */
public final class Warnings {
    private Warnings() {}

    public static void print(TraceDatabase db, PrintWriter err) {
        print(db.footers(), err);
    }

    public static void print(List<TraceFooter> footers, PrintWriter err) {
        for (TraceFooter f : footers) {
            TraceMetadata m = f.metadata();
            String path = TerminalText.escape(f.path().toString());
            if (m.lostEventCount() > 0) {
                err.printf(
                        Locale.ROOT,
                        "WARNING: %s: %,d events were lost while recording (ring buffer full, or skipped by the kernel); counts and "
                                + "connections below are incomplete%n",
                        path,
                        m.lostEventCount());
            }
            Long broken = m.lifetimes().broken();
            if (broken != null && broken > 0) {
                err.printf(
                        Locale.ROOT,
                        "WARNING: %s: %,d socket lifetimes skip states (state changes are missing that no loss counter saw); "
                                + "their connections below are split or incomplete%n",
                        path,
                        broken);
            }
            if (!m.missingTracepoints().isEmpty()) {
                err.printf(
                        Locale.ROOT,
                        "WARNING: %s: the recording kernel lacked %s%n",
                        path,
                        TerminalText.escape(String.join(", ", m.missingTracepoints())));
            }
            for (String unknown : m.unknowns()) {
                err.printf("WARNING: %s: the recording kernel lacked %s%n", path, TerminalText.escape(unknown));
            }
            if (m.recovered()) {
                err.printf(
                        Locale.ROOT,
                        "WARNING: %s: recovered after the recorder was killed; the last second may be missing%n",
                        path);
            }
        }
        err.flush();
    }
}
