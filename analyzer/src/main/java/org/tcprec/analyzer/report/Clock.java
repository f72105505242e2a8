package org.tcprec.analyzer.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.TraceMetadata;

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
        TraceMetadata m = footer.metadata();
        String tz = m.host().timezone();
        try {
            z = tz == null ? ZoneOffset.ofTotalSeconds(m.utcOffsetSeconds()) : ZoneId.of(tz);
        } catch (RuntimeException e) {
            z = ZoneOffset.ofTotalSeconds(m.utcOffsetSeconds());
        }
        this.zone = z;
        this.startInstant = Instant.ofEpochSecond(0, m.startRealtimeNs());
    }

    /** The zone's offset at the recording's start, for formatting in SQL. */
    public int offsetSeconds() {
        return zone.getRules().getOffset(startInstant).getTotalSeconds();
    }

    public String hms(long epochNs) {
        return HMS.format(Instant.ofEpochSecond(0, epochNs).atZone(zone));
    }
}
