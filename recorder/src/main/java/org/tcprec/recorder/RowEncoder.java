package org.tcprec.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final Map<String, Long> rowsByEvent;
    private long rows;

    /** Rows that follow {@code rows} rows already written, counted by event in {@code rowsByEvent}. */
    RowEncoder(TraceWriter writer, ClockSample startClock, long rows, Map<String, Long> rowsByEvent) {
        this.writer = writer;
        this.mapper = new RowMapper(startClock);
        this.rows = rows;
        this.rowsByEvent = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            this.rowsByEvent.put(t.tracepoint(), 0L);
        }
        rowsByEvent.forEach((k, v) -> this.rowsByEvent.merge(k, v, Long::sum));
    }

    @Override
    public void accept(byte[] record) throws IOException {
        WireEvent event = decoder.decode(ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()), 0);
        writer.write(mapper.map(event));
        rows++;
        String name = EventType.byId(event.type()).map(EventType::tracepoint).orElse("unknown");
        rowsByEvent.merge(name, 1L, Long::sum);
    }

    long rows() {
        return rows;
    }

    Map<String, Long> rowsByEvent() {
        return rowsByEvent;
    }
}
