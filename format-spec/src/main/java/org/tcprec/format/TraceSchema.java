package org.tcprec.format;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/** The Parquet schema and the footer keys of a trace file. */
public final class TraceSchema {
    /** Footer key holding "MAJOR.MINOR" of the trace format. */
    public static final String FORMAT_VERSION_KEY = "tcprec.format_version";
    /** Footer key holding the recording's metadata as one JSON object (see format-spec/README.md). */
    public static final String METADATA_KEY = "tcprec.metadata";

    public static final int MAJOR = 2;
    public static final int MINOR = 0;
    public static final String VERSION = MAJOR + "." + MINOR;
    /** The oldest major version this reader reads: 1.x files keep their time as a TIMESTAMP column {@code time}. */
    public static final int OLDEST_MAJOR = 1;
    /** The event time's column in 1.x files: INT64 TIMESTAMP(NANOS), the same epoch nanoseconds as 2.x's time_ns. */
    public static final String TIME_1X = "time";

    /**
     * Columns 1.x stored that 2.0 leaves to readers: protocol (always 6 on a state change) and
     * ns_in_oldstate (the time since the same life's previous state change, null for its first:
     * see org.tcprec.format.scan.StateTimes). Readers of a file without them derive them.
     */
    public static final List<String> DERIVED_BY_READERS = List.of("protocol", "ns_in_oldstate");

    /** The column holding the event time, in epoch nanoseconds, in a file of that (readable) version. */
    public static String timeColumn(String formatVersion) {
        return major(formatVersion) == 1 ? TIME_1X : Column.TIME_NS.columnName();
    }

    /** The major version of "MAJOR.MINOR"; NumberFormatException for anything else. */
    static int major(String formatVersion) {
        int dot = formatVersion.indexOf('.');
        return Integer.parseInt(dot < 0 ? formatVersion : formatVersion.substring(0, dot));
    }

    private static final MessageType SCHEMA = build();

    private TraceSchema() {}

    public static MessageType messageType() {
        return SCHEMA;
    }

    private static MessageType build() {
        List<Type> fields = new ArrayList<>();
        for (Column column : Column.values()) {
            var builder = Types.primitive(column.physicalType(), column.repetition());
            if (column.logicalType() != null) {
                builder = builder.as(column.logicalType());
            }
            fields.add(builder.named(column.columnName()));
        }
        return new MessageType("tcprec_event", fields);
    }
}
