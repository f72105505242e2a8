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
    public static final int MAJOR = 1;
    public static final int MINOR = 1;
    public static final String VERSION = MAJOR + "." + MINOR;

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
