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
import org.tcprec.format.Json;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.concurrent.BackgroundQueue;
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
            Map<String, Object> metadata, long brokenLifetimes, long skippedStretches, long skippedBytes) {}

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

    @SuppressWarnings("unchecked")
    private static Result write(Path journal, Path tmp) throws IOException {
        Map<String, Object> start = null;
        Map<String, Object> stop = null;
        Map<String, Object> counters = null;
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
                        start = (Map<String, Object>) Json.parse(text(chunk.payload()));
                        Map<String, Object> clocks = (Map<String, Object>) start.get("clocks");
                        mapper = new RowMapper(ClockSample.fromJson(clocks.get("start")));
                    }
                    case COUNTERS -> counters = (Map<String, Object>) Json.parse(text(chunk.payload()));
                    case STOP -> stop = (Map<String, Object>) Json.parse(text(chunk.payload()));
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
            Map<String, Object> metadata = assemble(start, counters, stop, rowsByEvent, rows, torn, tornBytes);
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

    /** The footer metadata: what was known at start, the last counters, and what was known at stop. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> assemble(Map<String, Object> start, Map<String, Object> counters,
            Map<String, Object> stop, Map<String, Long> rowsByEvent, long rows, boolean torn, long tornBytes) {
        Map<String, Object> metadata = new LinkedHashMap<>(start);
        if (stop != null) {
            Map<String, Object> facts = (Map<String, Object>) stop.get("stop");
            Map<String, Object> rest = new LinkedHashMap<>(stop);
            rest.remove("stop");
            metadata.putAll(rest);
            Map<String, Object> clocks = new LinkedHashMap<>((Map<String, Object>) start.get("clocks"));
            clocks.put("stop", facts.get("stop_clock"));
            metadata.put("clocks", clocks);
            Map<String, Object> recording = new LinkedHashMap<>((Map<String, Object>) start.get("recording"));
            ClockSample stopClock = ClockSample.fromJson(facts.get("stop_clock"));
            recording.put("stop", Instant.ofEpochSecond(0, stopClock.realtimeNs()).toString());
            recording.put("duration_ns", facts.get("duration_ns"));
            recording.put("stop_reason", facts.get("stop_reason"));
            metadata.put("recording", recording);
        } else if (counters != null) {
            metadata.putAll(counters);
        }
        Map<String, Object> events = new LinkedHashMap<>(rowsByEvent);
        metadata.put("events", events);
        metadata.put("rows", rows);
        Map<String, Object> recovery = new LinkedHashMap<>();
        recovery.put("recovered", stop == null);
        if (stop == null) {
            List<String> notes = new ArrayList<>();
            notes.add("the recorder did not stop cleanly; this trace was rebuilt from its journal");
            notes.add("BPF counters (lost, sampled) are as of the last checkpoint before the interruption");
            recovery.put("notes", notes);
            recovery.put("torn_tail_bytes", tornBytes);
        }
        metadata.put("recovery", recovery);
        return metadata;
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
        long finish(Map<String, Object> metadata) throws IOException {
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
                    writer.metadata(Map.of());
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
