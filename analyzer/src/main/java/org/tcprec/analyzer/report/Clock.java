package org.tcprec.analyzer.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.tcprec.analyzer.trace.TraceMeta;
import org.tcprec.format.TraceFooter;

/**
 * Event times as the live tools would have printed them on the recording host: its local time
 * zone, from the trace's metadata, so a replay prints the same anywhere.
 */
public final class Clock {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final ZoneId zone;
    private final Instant startInstant;

    public Clock(TraceFooter footer) {
        ZoneId z;
        Object tz = TraceMetaAccess.timezone(footer);
        try {
            z = tz == null ? ZoneOffset.ofTotalSeconds(new TraceMeta(footer).utcOffsetSeconds()) : ZoneId.of(tz.toString());
        } catch (RuntimeException e) {
            z = ZoneOffset.ofTotalSeconds(new TraceMeta(footer).utcOffsetSeconds());
        }
        this.zone = z;
        this.startInstant = Instant.ofEpochSecond(0, new TraceMeta(footer).startRealtimeNs());
    }

    /** The zone's offset at the recording's start, for formatting in SQL. */
    public int offsetSeconds() {
        return zone.getRules().getOffset(startInstant).getTotalSeconds();
    }

    public String hms(long epochNs) {
        return HMS.format(Instant.ofEpochSecond(0, epochNs).atZone(zone));
    }

    static final class TraceMetaAccess {
        static Object timezone(TraceFooter footer) {
            Object host = footer.metadata().get("host");
            return host instanceof java.util.Map<?, ?> m ? m.get("timezone") : null;
        }
    }
}
