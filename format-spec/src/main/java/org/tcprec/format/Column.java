package org.tcprec.format;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;

/**
 * The columns of a version 2 trace, in file order; a minor version only appends columns. One row per recorded tracepoint event.
 *
 * <p>format-spec/README.md documents each column; FormatSpecDocumentationTest fails when a column
 * here is missing there.
 */
public enum Column {
    TIME_NS("time_ns", PrimitiveTypeName.INT64, Kind.INT64, true),
    EVENT("event", PrimitiveTypeName.BINARY, Kind.STRING, true),
    CPU("cpu", PrimitiveTypeName.INT32, Kind.PLAIN, true),
    TGID("tgid", PrimitiveTypeName.INT32, Kind.PLAIN, true),
    TID("tid", PrimitiveTypeName.INT32, Kind.PLAIN, true),
    COMM("comm", PrimitiveTypeName.BINARY, Kind.STRING, true),
    NETNS("netns", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    CGROUP_ID("cgroup_id", PrimitiveTypeName.INT64, Kind.UINT64, false),
    SKADDR("skaddr", PrimitiveTypeName.INT64, Kind.UINT64, false),
    FAMILY("family", PrimitiveTypeName.INT32, Kind.PLAIN, true),
    LADDR("laddr", PrimitiveTypeName.BINARY, Kind.STRING, true),
    LPORT("lport", PrimitiveTypeName.INT32, Kind.PLAIN, true),
    RADDR("raddr", PrimitiveTypeName.BINARY, Kind.STRING, true),
    RPORT("rport", PrimitiveTypeName.INT32, Kind.PLAIN, true),
    OLDSTATE("oldstate", PrimitiveTypeName.BINARY, Kind.STRING, false),
    NEWSTATE("newstate", PrimitiveTypeName.BINARY, Kind.STRING, false),
    STATE("state", PrimitiveTypeName.BINARY, Kind.STRING, false),
    BYTES_ACKED("bytes_acked", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    BYTES_RECEIVED("bytes_received", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    SOCK_COOKIE("sock_cookie", PrimitiveTypeName.INT64, Kind.UINT64, false),
    SKBADDR("skbaddr", PrimitiveTypeName.INT64, Kind.UINT64, false),
    REQ("req", PrimitiveTypeName.INT64, Kind.UINT64, false),
    ERR("err", PrimitiveTypeName.INT32, Kind.PLAIN, false),
    REASON("reason", PrimitiveTypeName.INT32, Kind.PLAIN, false),
    MARK("mark", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    DATA_LEN("data_len", PrimitiveTypeName.INT32, Kind.PLAIN, false),
    SND_NXT("snd_nxt", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    SND_UNA("snd_una", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    SND_CWND("snd_cwnd", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    SSTHRESH("ssthresh", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    SND_WND("snd_wnd", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    SRTT_US("srtt_us", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    RCV_WND("rcv_wnd", PrimitiveTypeName.INT64, Kind.PLAIN, false),
    // Since 1.1, derived by the writer from the rows before (see SocketLifetimes)
    LIFE("life", PrimitiveTypeName.INT32, Kind.PLAIN, false);

    enum Kind {
        PLAIN,
        INT64,
        STRING,
        UINT64
    }

    private static final java.util.Map<String, Column> BY_NAME =
            java.util.Arrays.stream(values()).collect(java.util.stream.Collectors.toMap(Column::columnName, c -> c));

    /** The column of that name in this version of the format, or null. */
    static Column named(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Columns stored without a dictionary, delta-encoded: values that rarely repeat within a page
     * (a dictionary would be built, hashed into and dropped again for each page), or that stay
     * close from row to row (life, numbered in the order lifetimes start; sock_cookie, handed out
     * by the kernel in increasing order, which repeats on every probe of a socket with -e but
     * costs less as deltas than as dictionary indexes: format-spec/README.md, "Size").
     */
    static final java.util.List<Column> HIGH_CARDINALITY =
            java.util.List.of(TIME_NS, SKBADDR, SND_NXT, SND_UNA, BYTES_ACKED, BYTES_RECEIVED, LIFE, SOCK_COOKIE);

    private final String columnName;
    private final PrimitiveTypeName physicalType;
    private final Kind kind;
    private final boolean required;

    Column(String columnName, PrimitiveTypeName physicalType, Kind kind, boolean required) {
        this.columnName = columnName;
        this.physicalType = physicalType;
        this.kind = kind;
        this.required = required;
    }

    public String columnName() {
        return columnName;
    }

    public boolean required() {
        return required;
    }

    PrimitiveTypeName physicalType() {
        return physicalType;
    }

    Repetition repetition() {
        return required ? Repetition.REQUIRED : Repetition.OPTIONAL;
    }

    /**
     * Whether a file's schema element stores this column as the format says: its physical type and,
     * where the format gives one, its meaning (a string, a signed or an unsigned integer), as
     * parquet-java or DuckDB write it. A reader must not decode another type as this column.
     */
    boolean storedAs(org.apache.parquet.format.SchemaElement element) {
        String physical = physicalType == PrimitiveTypeName.BINARY ? "BYTE_ARRAY" : physicalType.name();
        if (element.isSetNum_children()
                || !element.isSetType()
                || !element.getType().name().equals(physical)) {
            return false;
        }
        var logical = element.isSetLogicalType() ? element.getLogicalType() : null;
        var converted =
                element.isSetConverted_type() ? element.getConverted_type().name() : "";
        return switch (kind) {
            case PLAIN, INT64 ->
                logical == null
                        || logical.isSetINTEGER() && logical.getINTEGER().isIsSigned();
            case STRING -> logical != null && logical.isSetSTRING() || converted.equals("UTF8");
            case UINT64 ->
                logical != null
                                && logical.isSetINTEGER()
                                && !logical.getINTEGER().isIsSigned()
                        || converted.equals("UINT_64");
        };
    }

    /** Whether a 1.x file stores its column {@code time} as 1.x defined it: INT64 nanosecond TIMESTAMP. */
    static boolean storedAsTimestampNs(org.apache.parquet.format.SchemaElement element) {
        return !element.isSetNum_children()
                && element.isSetType()
                && element.getType().name().equals("INT64")
                && element.isSetLogicalType()
                && element.getLogicalType().isSetTIMESTAMP()
                && element.getLogicalType().getTIMESTAMP().getUnit().isSetNANOS();
    }

    LogicalTypeAnnotation logicalType() {
        return switch (kind) {
            case PLAIN -> null;
            // Signed 64-bit integer, annotated so that every reader takes it as one (Spark's bigint)
            case INT64 -> LogicalTypeAnnotation.intType(64, true);
            case STRING -> LogicalTypeAnnotation.stringType();
            case UINT64 -> LogicalTypeAnnotation.intType(64, false);
        };
    }
}
