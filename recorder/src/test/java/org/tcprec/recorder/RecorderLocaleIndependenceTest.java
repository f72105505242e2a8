package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The recorder's numbers print the same whatever the user's locale: the summary, its warnings, the
 * status line and the sizes, printed under German defaults (decimal comma, dot as thousands
 * separator), are the root locale's text.
 */
class RecorderLocaleIndependenceTest {
    private static final Recorder.Summary SUMMARY = new Recorder.Summary(
            Path.of("t.parquet"),
            1_234_567,
            Map.of("inet_sock_set_state", 1_234_567L),
            12_345,
            2_345,
            2_000_000_000L,
            50_000_000,
            List.of("sock:inet_sock_set_state"),
            List.of(),
            "duration",
            true,
            120_000_000);

    private static String printedUnder(Locale locale, Consumer<PrintStream> print) {
        Locale saved = Locale.getDefault();
        Locale.setDefault(locale);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            print.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void theSummaryAndItsWarningsUseTheRootLocale() {
        String german = printedUnder(Locale.GERMANY, out -> RecordCommand.printSummary(out, SUMMARY, true));
        assertEquals(
                List.of(
                        "tcprec: recorded 1,234,567 events in 2.0 s (617,284/s) to t.parquet: 47.7 MiB, 40.5 B/event, "
                                + "at most 114.4 MiB on disk while recording; lost 12,345; tracepoints 1 attached; "
                                + "stopped by duration",
                        "tcprec: warning: 12,345 events were lost (ring buffer full, or skipped by the kernel); "
                                + "see 'tcprec info t.parquet'",
                        "tcprec: warning: 2,345 socket lifetimes skip states: state changes are missing that no loss "
                                + "counter saw; see 'tcprec info t.parquet'",
                        "tcprec: events: inet_sock_set_state=1234567"),
                german.lines().toList());
        assertEquals(printedUnder(Locale.ROOT, out -> RecordCommand.printSummary(out, SUMMARY, true)), german);
    }

    @Test
    void theStatusLineUsesTheRootLocale() {
        Consumer<PrintStream> draw = out -> {
            StatusLine line = new StatusLine(out, 10_000_000_000L);
            line.draw(3_000_000_000L, 1_234_567, 5_000_000, 1536, 12_345);
            line.finishing("t.parquet", 1_234_567);
        };
        String german = printedUnder(Locale.GERMANY, draw);
        assertEquals(
                "\r\033[K[    3s / 10s] 1,234,567 events  411,522/s  trace 4.8 MiB  journal 1.5 KiB  lost 12,345"
                        + "\r\033[Ktcprec: finishing t.parquet (1,234,567 events)...",
                german);
        assertEquals(printedUnder(Locale.ROOT, draw), german);
    }
}
