package org.tcprec.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.cli.support.FileOwner;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.format.EventRow;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.concurrent.BackgroundQueue;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.Clocks;
import org.tcprec.format.metadata.TraceMetadata.Recording;
import org.tcprec.format.metadata.TraceMetadata.Recovery;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.journal.JournalReader;
import org.tcprec.recorder.wire.EventType;
import org.tcprec.recorder.wire.RowMapper;
import org.tcprec.recorder.wire.WireEvent;

/**
 * Turns a journal into a trace file: decodes the wire records, puts them in time order, writes
 * Parquet into an {@link OutputFile} and moves it into place. Used at the end of every recording
 * and by `tcprec recover` after a crash; the only difference is whether the journal has a STOP
 * chunk.
 */
public final class TraceEncoder {
    /**
     * Records leave the ring in reservation order; their timestamps are taken just after, so two
     * CPUs can swap by a few microseconds. Holding 100 ms of events sorts them with a wide margin.
     */
    static final long REORDER_WINDOW_NS = 100_000_000L;
    private static final int SORT_BATCH = 1 << 16;
    private static final Comparator<WireEvent> BY_TIME = Comparator.comparingLong(WireEvent::tsBootNs);

    /**
     * What encoding produced; brokenLifetimes is what the trace writer counted in the rows;
     * skippedStretches and skippedBytes are the damaged parts of the journal passed over.
     */
    public record Result(long rows, Map<String, Long> rowsByEvent, boolean complete, long tornBytes,
            TraceMetadata metadata, long brokenLifetimes, long skippedStretches, long skippedBytes) {}

    private TraceEncoder() {}

    /** Encodes the journal into {@code output}'s file and moves it into place, given to {@code owner}. */
    public static Result encode(Path journal, OutputFile output, FileOwner owner) throws IOException {
        try {
            Result result = write(journal, output.create());
            output.commit(owner);
            return result;
        } finally {
            output.abandon();
        }
    }

    private static Result write(Path journal, Path tmp) throws IOException {
        TraceMetadata start = null;
        TraceMetadata stop = null;
        TraceMetadata counters = null;
        Map<String, Long> rowsByEvent = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            rowsByEvent.put(t.tracepoint(), 0L);
        }
        long rows = 0;
        boolean torn;
        long tornBytes;
        List<WireEvent> pending = new ArrayList<>();
        WireEvent.Decoder decoder = new WireEvent.Decoder();
        try (JournalReader reader = new JournalReader(journal); BackgroundWriter writer = new BackgroundWriter(tmp)) {
            if (reader.wireRecordSize() != WireEvent.SIZE) {
                throw new IOException(journal + " holds " + reader.wireRecordSize() + "-byte records; this tcprec reads "
                        + WireEvent.SIZE + "-byte records");
            }
            RowMapper mapper = null;
            long newest = Long.MIN_VALUE;
            for (JournalReader.Chunk chunk = reader.next(); chunk != null; chunk = reader.next()) {
                switch (chunk.kind()) {
                    case START -> {
                        start = chunk(journal, chunk);
                        ClockSample clock = ClockSample.of(start.clocks().start());
                        if (clock == null) {
                            throw new IOException(journal + " has a start record without its start clock");
                        }
                        mapper = new RowMapper(clock);
                    }
                    case COUNTERS -> counters = chunk(journal, chunk);
                    case STOP -> stop = chunk(journal, chunk);
                    case EVENTS -> {
                        if (mapper == null) {
                            throw new IOException(journal + " has events before its start record");
                        }
                        ByteBuffer payload = chunk.payload();
                        for (int at = 0; at + WireEvent.SIZE <= payload.limit(); at += WireEvent.SIZE) {
                            WireEvent event = decoder.decode(payload, at);
                            pending.add(event);
                            newest = Math.max(newest, event.tsBootNs());
                        }
                        if (pending.size() >= SORT_BATCH) {
                            rows += emitSorted(writer, mapper, pending, newest - REORDER_WINDOW_NS, rowsByEvent);
                        }
                    }
                }
            }
            rows += emitSorted(writer, mapper, pending, Long.MAX_VALUE, rowsByEvent);
            torn = reader.tornTail();
            tornBytes = reader.unreadBytes();
            if (start == null) {
                throw new IOException(journal + " has no readable start record");
            }
            TraceMetadata metadata = assemble(start, counters, stop, rowsByEvent, rows, tornBytes);
            long broken = writer.finish(metadata);
            return new Result(rows, rowsByEvent, stop != null, tornBytes, metadata, broken, reader.skippedStretches(),
                    reader.skippedBytes());
        }
    }

    /**
     * Sorts the pending events (TimSort: nearly linear on nearly sorted input, and stable, so
     * equal timestamps keep ring order) and writes those up to {@code upTo}; the rest wait for
     * events that may still sort before them.
     */
    private static long emitSorted(BackgroundWriter writer, RowMapper mapper, List<WireEvent> pending, long upTo,
            Map<String, Long> rowsByEvent) throws IOException {
        pending.sort(BY_TIME);
        int n = 0;
        while (n < pending.size() && pending.get(n).tsBootNs() <= upTo) {
            WireEvent event = pending.get(n++);
            writer.write(mapper.map(event));
            String name = EventType.byId(event.type()).map(EventType::tracepoint).orElse("unknown");
            rowsByEvent.merge(name, 1L, Long::sum);
        }
        pending.subList(0, n).clear();
        return n;
    }

    private static TraceMetadata chunk(Path journal, JournalReader.Chunk chunk) throws IOException {
        try {
            return JsonCodec.metadata(text(chunk.payload()));
        } catch (IllegalArgumentException e) {
            throw new IOException(journal + " has an unreadable " + chunk.kind() + " record: " + e.getMessage(), e);
        }
    }

    /**
     * The footer metadata: what was known at start, the last counters (the stop's, else the last
     * checkpoint's), what was known at stop, and the rows.
     */
    private static TraceMetadata assemble(TraceMetadata start, TraceMetadata counters, TraceMetadata stop,
            Map<String, Long> rowsByEvent, long rows, long tornBytes) {
        TraceMetadata metadata = start;
        TraceMetadata last = stop != null ? stop : counters;
        if (last != null) {
            metadata = metadata.withCounters(last.bpfCounters(), last.lostEvents());
        }
        Recovery recovery;
        if (stop != null) {
            Recording begun = start.recording();
            Recording ended = stop.recording();
            metadata = metadata.withStop(new Clocks(start.clocks().start(), stop.clocks().stop(), start.clocks().other()),
                    new Recording(begun.start(), begun.requestedDurationNs(), ended.stop(), ended.durationNs(),
                            ended.stopReason(), begun.other()));
            recovery = new Recovery(false, null, null, null);
        } else {
            recovery = new Recovery(true, List.of(
                    "the recorder did not stop cleanly; this trace was rebuilt from its journal",
                    "BPF counters (lost, sampled) are as of the last checkpoint before the interruption"),
                    tornBytes, null);
        }
        return metadata.withRows(new LinkedHashMap<>(rowsByEvent), rows, recovery);
    }

    /**
     * Parquet encoding on a thread of its own, fed batches of rows, so that decoding and sorting
     * the journal overlap with it: encoding is most of the work, and a recording's end waits for it.
     */
    private static final class BackgroundWriter implements AutoCloseable {
        private static final int BATCH = 8192;

        private final TraceWriter writer;
        private final BackgroundQueue<List<EventRow>> queue;
        private List<EventRow> batch = new ArrayList<>(BATCH);
        private boolean finished;

        BackgroundWriter(Path file) throws IOException {
            this.writer = new TraceWriter(file);
            this.queue = BackgroundQueue.writing("tcprec-parquet-writer", 8, rows -> {
                for (EventRow row : rows) {
                    writer.write(row);
                }
            });
        }

        void write(EventRow row) throws IOException {
            batch.add(row);
            if (batch.size() >= BATCH) {
                queue.put(batch);
                batch = new ArrayList<>(BATCH);
            }
        }

        /** Writes what is left, then the footer with this metadata; returns the broken lifetimes the writer counted. */
        long finish(TraceMetadata metadata) throws IOException {
            queue.put(batch);
            queue.finish();
            finished = true;
            writer.metadata(metadata);
            writer.close();
            return writer.brokenLifetimes();
        }

        @Override
        public void close() throws IOException {
            queue.close();
            if (!finished) {
                // an error before finish(): the temporary file is discarded
                try {
                    writer.metadata(TraceMetadata.EMPTY);
                    writer.close();
                } catch (IOException | RuntimeException e) {
                    // the file is incomplete either way
                }
            }
        }
    }

    private static String text(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

}
