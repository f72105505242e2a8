package org.tcprec.analyzer.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * Event times as the live tools would have printed them on the recording host: its local time
 * zone, from the trace's metadata, so a replay prints the same anywhere. The zone is looked up
 * at its first use: a report that prints no times does not wait for the metadata.
 */
public final class Clock {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final TraceFooter footer;
    private ZoneId zone;
    private int offsetSeconds;

    public Clock(TraceFooter footer) {
        this.footer = footer;
    }

    private ZoneId zone() {
        if (zone == null) {
            TraceMetadata m = footer.metadata();
            String tz = m.host().timezone();
            ZoneId z;
            try {
                z = tz == null ? ZoneOffset.ofTotalSeconds(m.utcOffsetSeconds()) : ZoneId.of(tz);
            } catch (RuntimeException e) {
                z = ZoneOffset.ofTotalSeconds(m.utcOffsetSeconds());
            }
            offsetSeconds = z.getRules()
                    .getOffset(Instant.ofEpochSecond(0, m.startRealtimeNs()))
                    .getTotalSeconds();
            zone = z;
        }
        return zone;
    }

    /** The zone's offset at the recording's start, for formatting in SQL. */
    public int offsetSeconds() {
        zone();
        return offsetSeconds;
    }

    public String hms(long epochNs) {
        return HMS.format(Instant.ofEpochSecond(0, epochNs).atZone(zone()));
    }
}
