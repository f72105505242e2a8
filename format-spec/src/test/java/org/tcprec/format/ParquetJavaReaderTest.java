package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.metadata.JsonCodec;

/**
 * A trace read by parquet-java's own reader (ParquetFileReader and its example record converter),
 * no tcprec code on the reading side: every column has the type format-spec/README.md gives it,
 * written out here from the table, and the values come back as written.
 */
class ParquetJavaReaderTest {
    @TempDir
    Path dir;

    /** The column table of format-spec/README.md, as a Parquet schema. */
    private static final String DOCUMENTED = """
            message tcprec_event {
              required int64 time_ns (INTEGER(64,true));
              required binary event (STRING);
              required int32 cpu;
              required int32 tgid;
              required int32 tid;
              required binary comm (STRING);
              optional int64 netns;
              optional int64 cgroup_id (INTEGER(64,false));
              optional int64 skaddr (INTEGER(64,false));
              required int32 family;
              required binary laddr (STRING);
              required int32 lport;
              required binary raddr (STRING);
              required int32 rport;
              optional binary oldstate (STRING);
              optional binary newstate (STRING);
              optional binary state (STRING);
              optional int64 bytes_acked;
              optional int64 bytes_received;
              optional int64 sock_cookie (INTEGER(64,false));
              optional int64 skbaddr (INTEGER(64,false));
              optional int64 req (INTEGER(64,false));
              optional int32 err;
              optional int32 reason;
              optional int64 mark;
              optional int32 data_len;
              optional int64 snd_nxt;
              optional int64 snd_una;
              optional int64 snd_cwnd;
              optional int64 ssthresh;
              optional int64 snd_wnd;
              optional int64 srtt_us;
              optional int64 rcv_wnd;
              optional int32 life;
            }
            """;

    private static final long T0 = 1_764_950_000_123_456_789L;
    private static final long SK = 0xffff8880_1234_5678L;

    /** An event of the IPv6 socket sk in the test's namespace and cgroup, from local port to 443. */
    private static EventRowBuilder socket(long timeNs, String event, long sk, int port) {
        return EventRowBuilder.row(timeNs, event)
                .netns(4026531840L)
                .cgroupId(7L)
                .skaddr(sk)
                .family(10)
                .local("2001:db8::1", port)
                .remote("::ffff:10.1.2.3", 443);
    }

    @Test
    void parquetJavaReadsEveryColumnAsDocumented() throws Exception {
        Path file = dir.resolve("t.parquet");
        int rows = 20_000;
        // small row groups: the reader must go through several
        try (TraceWriter w = new TraceWriter(file, 64 * 1024)) {
            for (int i = 0; i < rows; i++) {
                long sk = SK + 64L * ((i / 4) % 50);
                int port = 40000 + (i / 4) % 50;
                w.write(
                        switch (i % 4) {
                            case 0 ->
                                socket(T0 + 1000L * i, "inet_sock_set_state", sk, port)
                                        .cpu(1)
                                        .task(42, 43, "curl")
                                        .transition("CLOSE", "SYN_SENT")
                                        .bytes(1L, 0L)
                                        .build();
                            case 1 ->
                                socket(T0 + 1000L * i, "inet_sock_set_state", sk, port)
                                        .task(0, 0, "swapper/0")
                                        .transition("SYN_SENT", "ESTABLISHED")
                                        .bytes(1L, 1L)
                                        .build();
                            case 2 ->
                                socket(T0 + 1000L * i, "tcp_probe", sk, port)
                                        .cpu(1)
                                        .task(42, 43, "curl")
                                        .sockCookie(-2L)
                                        .skbaddr(0xffff8880_9999_0000L)
                                        .mark(5L)
                                        .dataLen(1448)
                                        .sndNxt(4_000_000_000L)
                                        .sndUna(3_999_990_000L)
                                        .sndCwnd(10L)
                                        .ssthresh(2147483647L)
                                        .sndWnd(65535L)
                                        .srttUs(250L)
                                        .rcvWnd(131072L)
                                        .build();
                            default ->
                                EventRowBuilder.row(T0 + 1000L * i, "tcp_send_reset")
                                        .cpu(1)
                                        .task(42, 43, "curl")
                                        .family(2)
                                        .local("10.0.0.1", 80)
                                        .remote("10.0.0.2", 5555)
                                        .skbaddr(0xffff8880_9999_0040L)
                                        .reason(1)
                                        .build();
                        });
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("hostname", "h1"))));
        }
        ParquetReadOptions options =
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        List<Group> read = new ArrayList<>();
        int rowGroups = 0;
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType schema = reader.getFileMetaData().getSchema();
            assertEquals(MessageTypeParser.parseMessageType(DOCUMENTED), schema);
            assertEquals(
                    TraceSchema.VERSION,
                    reader.getFileMetaData().getKeyValueMetaData().get("tcprec.format_version"));
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                rowGroups++;
                RecordReader<Group> records = new ColumnIOFactory()
                        .getColumnIO(schema)
                        .getRecordReader(pages, new GroupRecordConverter(schema));
                for (long r = 0; r < pages.getRowCount(); r++) {
                    read.add(records.read());
                }
            }
        }
        assertTrue(rowGroups > 1, "row groups: " + rowGroups);
        assertEquals(rows, read.size());
        for (int i = 0; i < rows; i++) {
            assertEquals(T0 + 1000L * i, read.get(i).getLong("time_ns", 0), "row " + i);
        }
        Group change = read.get(4);
        assertEquals("inet_sock_set_state", change.getString("event", 0));
        assertEquals(SK + 64L, change.getLong("skaddr", 0)); // unsigned: the same 64 bits
        assertEquals("2001:db8::1", change.getString("laddr", 0));
        assertEquals("::ffff:10.1.2.3", change.getString("raddr", 0));
        assertEquals(40001, change.getInteger("lport", 0));
        assertEquals("SYN_SENT", change.getString("newstate", 0));
        Group established = read.get(5);
        assertEquals(0, established.getInteger("cpu", 0));
        assertEquals("swapper/0", established.getString("comm", 0));
        Group probe = read.get(6);
        assertEquals(-2L, probe.getLong("sock_cookie", 0)); // 2^64 - 2 as unsigned
        assertEquals(4_000_000_000L, probe.getLong("snd_nxt", 0));
        assertEquals(250L, probe.getLong("srtt_us", 0));
        assertEquals(1448, probe.getInteger("data_len", 0));
        assertEquals(0, probe.getFieldRepetitionCount("oldstate"));
        Group reset = read.get(7);
        assertEquals(0, reset.getFieldRepetitionCount("skaddr"));
        assertEquals(0, reset.getFieldRepetitionCount("life"));
        assertEquals(1, reset.getInteger("reason", 0));
        assertEquals(5555, reset.getInteger("rport", 0));
        assertEquals(change.getInteger("life", 0), established.getInteger("life", 0));
        // lifetimes numbered across the file in the order they start: socket 0's first, then socket 1's
        assertEquals(1, read.get(0).getInteger("life", 0));
        assertEquals(2, change.getInteger("life", 0));
    }
}
