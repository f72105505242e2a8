package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines a recording ends with: the summary, and a warning for each kind of incompleteness. */
class RecordSummaryTest {
    private static List<String> summary(long lost, long broken) {
        Recorder.Summary s = new Recorder.Summary(
                Path.of("t.parquet"),
                1000,
                Map.of("inet_sock_set_state", 1000L),
                lost,
                broken,
                2_000_000_000L,
                50_000,
                List.of("sock:inet_sock_set_state"),
                List.of(),
                "duration",
                true,
                120_000);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordCommand.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8), s, false);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aCompleteRecordingEndsWithItsSummaryAlone() {
        List<String> lines = summary(0, 0);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(
                "tcprec: recorded 1,000 events in 2.0 s (500/s) to t.parquet: 48.8 KiB, 50.0 B/event, at most 117.2 KiB on disk while recording; "
                        + "lost 0; "
                        + "tracepoints 1 attached; stopped by duration",
                lines.get(0));
    }

    @Test
    void lostEventsAndBrokenLifetimesEachGetAWarning() {
        assertEquals(
                List.of("tcprec: warning: 3 events were lost (ring buffer full, or skipped by the kernel); "
                        + "see 'tcprec info t.parquet'"),
                summary(3, 0).subList(1, 2));
        assertEquals(
                List.of("tcprec: warning: 2 socket lifetimes skip states: state changes are missing that no loss "
                        + "counter saw; see 'tcprec info t.parquet'"),
                summary(0, 2).subList(1, 2));
        assertEquals(3, summary(3, 2).size());
    }
}
