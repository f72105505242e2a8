package org.tcprec.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tcprec.format.TraceWriter;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.wire.EventType;
import org.tcprec.recorder.wire.RowMapper;
import org.tcprec.recorder.wire.WireEvent;

/** Turns wire records, in time order, into trace rows, counting them by event. */
final class RowEncoder implements SortingWindow.Sink {
    private final TraceWriter writer;
    private final RowMapper mapper;
    private final WireEvent.Decoder decoder = new WireEvent.Decoder();
    /** Rows by the wire id of their event type: counted per row without a map's boxing. */
    private final long[] byType = new long[EventType.SLOTS];
    /** Counts carried over under names no event type has (a journal of another version). */
    private final Map<String, Long> otherNames = new LinkedHashMap<>();

    private long rows;

    /** Rows that follow {@code rows} rows already written, counted by event in {@code rowsByEvent}. */
    RowEncoder(TraceWriter writer, ClockSample startClock, long rows, Map<String, Long> rowsByEvent) {
        this.writer = writer;
        this.mapper = new RowMapper(startClock);
        this.rows = rows;
        rowsByEvent.forEach((name, count) -> {
            Optional<EventType> type = EventType.byName(name);
            if (type.isPresent() && type.get().tracepoint().equals(name)) {
                byType[type.get().id()] += count;
            } else {
                otherNames.merge(name, count, Long::sum);
            }
        });
    }

    @Override
    public void accept(ByteBuffer records, int offset) throws IOException {
        WireEvent event = decoder.decode(records, offset);
        // the mapper refuses a type no EventType has, so the type indexes byType
        writer.write(mapper.map(event));
        rows++;
        byType[event.type()]++;
    }

    long rows() {
        return rows;
    }

    /** Rows by event: every tracepoint, in EventType's order, then any other names carried over. */
    Map<String, Long> rowsByEvent() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            counts.put(t.tracepoint(), byType[t.id()]);
        }
        otherNames.forEach((name, count) -> counts.merge(name, count, Long::sum));
        return counts;
    }
}
