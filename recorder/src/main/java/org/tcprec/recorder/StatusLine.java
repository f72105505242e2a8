package org.tcprec.recorder;

import java.io.PrintStream;
import java.util.Locale;

/** The line a recording on a terminal redraws each second. */
final class StatusLine {
    private final PrintStream out;
    private final long durationNs;

    StatusLine(PrintStream out, long durationNs) {
        this.out = out;
        this.durationNs = durationNs;
    }

    /** What the line shows: the events so far, the trace's bytes on disk and the journal's, the events lost. */
    void draw(long elapsedNs, long events, long traceBytes, long journalBytes, long lost) {
        double seconds = elapsedNs / 1e9;
        String duration = durationNs > 0 ? String.format(Locale.ROOT, " / %.0fs", durationNs / 1e9) : "";
        out.printf(
                Locale.ROOT,
                "\r\033[K[%5.0fs%s] %,d events  %,.0f/s  trace %s  journal %s  lost %,d",
                seconds,
                duration,
                events,
                events / Math.max(seconds, 1e-9),
                Units.bytes(traceBytes),
                Units.bytes(journalBytes),
                lost);
        out.flush();
    }

    void finishing(String name, long events) {
        out.printf(Locale.ROOT, "\r\033[Ktcprec: finishing %s (%,d events)...", name, events);
        out.flush();
    }

    void clear() {
        out.print("\r\033[K");
        out.flush();
    }
}
