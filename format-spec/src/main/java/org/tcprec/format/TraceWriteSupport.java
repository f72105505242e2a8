package org.tcprec.format;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Turns {@link EventRow}s into Parquet records; the footer metadata is taken at close, given the
 * count of broken socket lifetimes seen in the rows.
 */
final class TraceWriteSupport extends WriteSupport<EventRow> {
    /** Bound on the string cache; a trace's strings (names, states, comms, addresses) repeat a lot. */
    private static final int MAX_CACHED_STRINGS = 1 << 16;

    private final LongFunction<Map<String, String>> footer;
    private final Map<String, Binary> binaries = new HashMap<>();
    private final SocketLifetimes lifetimes;
    private RecordConsumer out;

    TraceWriteSupport(LongFunction<Map<String, String>> footer) {
        this(footer, new SocketLifetimes());
    }

    /** Rows continuing those another write support saw: the lifetimes carry on from its rules' state. */
    TraceWriteSupport(LongFunction<Map<String, String>> footer, SocketLifetimes lifetimes) {
        this.footer = footer;
        this.lifetimes = lifetimes;
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(TraceSchema.messageType(), Map.of());
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        throw new UnsupportedOperationException("tcprec writes without Hadoop");
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        return new FinalizedWriteContext(footer.apply(lifetimes.broken()));
    }

    @Override
    public void write(EventRow r) {
        out.startMessage();
        putLong(Column.TIME_NS, r.timeNs());
        putString(Column.EVENT, r.event());
        putInt(Column.CPU, r.cpu());
        putInt(Column.TGID, r.tgid());
        putInt(Column.TID, r.tid());
        putString(Column.COMM, r.comm());
        putLong(Column.NETNS, r.netns());
        putLong(Column.CGROUP_ID, r.cgroupId());
        putLong(Column.SKADDR, r.skaddr());
        putInt(Column.FAMILY, r.family());
        putString(Column.LADDR, r.laddr());
        putInt(Column.LPORT, r.lport());
        putString(Column.RADDR, r.raddr());
        putInt(Column.RPORT, r.rport());
        putString(Column.OLDSTATE, r.oldstate());
        putString(Column.NEWSTATE, r.newstate());
        putString(Column.STATE, r.state());
        putLong(Column.BYTES_ACKED, r.bytesAcked());
        putLong(Column.BYTES_RECEIVED, r.bytesReceived());
        putLong(Column.SOCK_COOKIE, r.sockCookie());
        putLong(Column.SKBADDR, r.skbaddr());
        putLong(Column.REQ, r.req());
        putInt(Column.ERR, r.err());
        putInt(Column.REASON, r.reason());
        putLong(Column.MARK, r.mark());
        putInt(Column.DATA_LEN, r.dataLen());
        putLong(Column.SND_NXT, r.sndNxt());
        putLong(Column.SND_UNA, r.sndUna());
        putLong(Column.SND_CWND, r.sndCwnd());
        putLong(Column.SSTHRESH, r.ssthresh());
        putLong(Column.SND_WND, r.sndWnd());
        putLong(Column.SRTT_US, r.srttUs());
        putLong(Column.RCV_WND, r.rcvWnd());
        if (lifetimes.next(r)) {
            putInt(Column.LIFE, lifetimes.life());
        }
        out.endMessage();
    }

    private void putLong(Column column, Long value) {
        if (value != null) {
            out.startField(column.columnName(), column.ordinal());
            out.addLong(value);
            out.endField(column.columnName(), column.ordinal());
        }
    }

    private void putInt(Column column, Integer value) {
        if (value != null) {
            out.startField(column.columnName(), column.ordinal());
            out.addInteger(value);
            out.endField(column.columnName(), column.ordinal());
        }
    }

    /** UTF-8 encoding each string once instead of once per row was a quarter of the encoding time. */
    private Binary binary(String value) {
        Binary b = binaries.get(value);
        if (b == null) {
            if (binaries.size() >= MAX_CACHED_STRINGS) {
                binaries.clear();
            }
            b = Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
            binaries.put(value, b);
        }
        return b;
    }

    private void putString(Column column, String value) {
        if (value != null) {
            out.startField(column.columnName(), column.ordinal());
            out.addBinary(binary(value));
            out.endField(column.columnName(), column.ordinal());
        }
    }
}
