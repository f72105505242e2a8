package org.tcprec.format.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.Column;
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * The format's own row reader against DuckDB reading the same files: every column of every row,
 * and the rows its conditions keep, on traces with several row groups, nulls, dictionaries that
 * overflow into DELTA_BYTE_ARRAY pages, and on copies DuckDB itself wrote (v1 pages, other
 * codecs), which the scanner reads the same or refuses up front.
 */
class TraceScannerTest {
    private static final String[] EVENTS = {
        "inet_sock_set_state", "tcp_probe", "tcp_destroy_sock", "tcp_retransmit_skb", "tcp_send_reset"
    };
    private static final String[] STATES = {"ESTABLISHED", "SYN_SENT", "CLOSE", "FIN_WAIT1", "LAST_ACK", "LISTEN"};

    @TempDir
    Path dir;

    private final Random random = new Random(7);

    @Test
    void everyColumnOfEveryRowAcrossRowGroupsAndNulls() throws Exception {
        Path file = write("groups.parquet", 40_000, 8, 256 * 1024);
        FileMetaData footer = TraceFooter.parquetFooter(file);
        assertTrue(footer.getRow_groups().size() >= 3, "the test needs several row groups");
        compareAll(file, 1000);
        compareAll(file, 65_536);
    }

    @Test
    void stringsPastTheirDictionaryComeAsDeltaByteArrayPages() throws Exception {
        // 60,000 distinct 30-byte addresses outgrow the 1 MB dictionary page of a chunk
        Path file = write("distinct.parquet", 60_000, 60_000, 64L << 20);
        FileMetaData footer = TraceFooter.parquetFooter(file);
        assertTrue(
                encodings(footer, "laddr").contains(Encoding.DELTA_BYTE_ARRAY),
                "laddr has " + encodings(footer, "laddr"));
        compareAll(file, 4096);
    }

    @Test
    void conditionsKeepTheRowsSqlKeeps() throws Exception {
        Path file = write("conditions.parquet", 30_000, 8, 256 * 1024);
        List<String> columns = List.of("time_ns", "skaddr", "comm", "lport", "oldstate", "newstate");
        FileMetaData footer = TraceFooter.parquetFooter(file);
        try (TraceScanner scanner = TraceScanner.open(file, footer, columns, 3000)) {
            scanner.whereEquals("event", "inet_sock_set_state")
                    .whereIn("family", new long[] {2})
                    .whereIn("lport", new long[] {443, 8080});
            List<List<String>> scanned = scan(scanner, columns);
            List<List<String>> sql =
                    duckdb(file, columns, "event = 'inet_sock_set_state' AND family = 2 AND lport IN (443, 8080)");
            assertFalse(sql.isEmpty());
            assertEquals(sql, scanned);
        }
    }

    @Test
    void duckDbWrittenCopiesAreReadTheSameOrRefused() throws Exception {
        Path original = write("original.parquet", 20_000, 8, 256 * 1024);
        String[][] options = {
            {"uncompressed-v1", "COMPRESSION uncompressed"},
            {"zstd-v2", "COMPRESSION zstd, PARQUET_VERSION v2"},
            {"snappy", "COMPRESSION snappy"},
        };
        int read = 0;
        for (String[] option : options) {
            Path copy = dir.resolve(option[0] + ".parquet");
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    Statement s = c.createStatement()) {
                s.execute("COPY (SELECT * FROM read_parquet('" + original + "')) TO '" + copy + "' (FORMAT parquet, "
                        + option[1] + ", ROW_GROUP_SIZE 5000)");
            }
            String why = TraceScanner.unsupported(TraceFooter.parquetFooter(copy), allColumns());
            if (option[0].equals("snappy")) {
                assertNotNull(why);
                assertTrue(why.contains("SNAPPY"), why);
                continue;
            }
            assertNull(why, option[0]);
            compareAll(copy, 3333);
            read++;
        }
        assertEquals(2, read);
    }

    @Test
    void damagedPagesFailInsteadOfReadingWrong() throws Exception {
        Path file = write("damaged.parquet", 20_000, 8, 256 * 1024);
        FileMetaData footer = TraceFooter.parquetFooter(file);
        ColumnChunk chunk = footer.getRow_groups().get(1).getColumns().get(Column.COMM.ordinal());
        long at = chunk.getMeta_data().getData_page_offset();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(new byte[64]);
        }
        try (TraceScanner scanner = TraceScanner.open(file, footer, List.of("comm"), 4096)) {
            ScanBatch batch = scanner.newBatch();
            assertThrows(TraceScanException.class, () -> {
                while (scanner.next(batch)) {
                    // read on until the damaged page
                }
            });
        }
    }

    private void compareAll(Path file, int batchRows) throws Exception {
        List<String> columns = allColumns();
        try (TraceScanner scanner = TraceScanner.open(file, TraceFooter.parquetFooter(file), columns, batchRows)) {
            assertEquals(duckdb(file, columns, "true"), scan(scanner, columns), file + " in batches of " + batchRows);
        }
    }

    private static List<String> allColumns() {
        List<String> columns = new ArrayList<>();
        for (Column c : Column.values()) {
            columns.add(c.columnName());
        }
        return columns;
    }

    private static List<List<String>> scan(TraceScanner scanner, List<String> columns) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        ScanBatch batch = scanner.newBatch();
        ScanBatch other = scanner.newBatch();
        while (scanner.next(batch)) {
            for (int r = 0; r < batch.rows(); r++) {
                List<String> row = new ArrayList<>();
                for (int c = 0; c < columns.size(); c++) {
                    row.add(text(columns.get(c), batch.column(c), r));
                }
                rows.add(row);
            }
            ScanBatch t = batch;
            batch = other;
            other = t;
        }
        return rows;
    }

    private static String text(String column, ColumnVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        Column c = Column.valueOf(column.toUpperCase());
        return switch (c) {
            case EVENT, COMM, LADDR, RADDR, OLDSTATE, NEWSTATE, STATE -> v.getString(row);
            case CGROUP_ID, SKADDR, SOCK_COOKIE, SKBADDR, REQ -> Long.toUnsignedString(v.getLong(row));
            default -> Long.toString(v.getLong(row));
        };
    }

    private static List<List<String>> duckdb(Path file, List<String> columns, String where) throws Exception {
        List<String> select = new ArrayList<>();
        for (String c : columns) {
            select.add(c + "::VARCHAR");
        }
        List<List<String>> rows = new ArrayList<>();
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + String.join(", ", select) + " FROM read_parquet('" + file
                        + "', file_row_number = true) WHERE " + where + " ORDER BY file_row_number")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns.size(); c++) {
                    row.add(rs.getString(c));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<Encoding> encodings(FileMetaData footer, String column) {
        List<Encoding> all = new ArrayList<>();
        for (RowGroup g : footer.getRow_groups()) {
            all.addAll(g.getColumns()
                    .get(Column.valueOf(column.toUpperCase()).ordinal())
                    .getMeta_data()
                    .getEncodings());
        }
        return all;
    }

    /** Rows of all kinds; distinct strings are drawn from that many values, optional columns are often null. */
    private Path write(String name, int rows, int distinct, long rowGroupBytes) throws Exception {
        Path file = dir.resolve(name);
        long t = 1_764_000_000_000_000_000L;
        try (TraceWriter w = new TraceWriter(file, rowGroupBytes)) {
            for (int i = 0; i < rows; i++) {
                t += random.nextInt(100_000);
                String event = EVENTS[random.nextInt(EVENTS.length)];
                boolean state = event.equals("inet_sock_set_state");
                int family = random.nextInt(4) == 0 ? 10 : 2;
                String laddr = distinct > 100
                        ? String.format("fd00:%04x:%04x::%04x:beef:cafe", i % 65536, i / 65536, i % 977)
                        : family == 2 ? "10.0.0." + random.nextInt(distinct) : "fd00::" + random.nextInt(distinct);
                w.write(EventRowBuilder.row(t, event)
                        .cpu(random.nextInt(2))
                        .task(
                                random.nextInt(5000),
                                random.nextInt(5000),
                                "comm" + random.nextInt(Math.min(distinct, 5000)))
                        .netns(maybe(4026531840L))
                        .cgroupId(maybe(random.nextLong()))
                        .skaddr(random.nextInt(10) == 0 ? null : 0xffff888000000000L + random.nextInt(1 << 20) * 64L)
                        .family(family)
                        .local(laddr, random.nextInt(3) == 0 ? 443 : random.nextInt(65536))
                        .remote(
                                family == 2 ? "192.0.2." + random.nextInt(200) : "2001:db8::" + random.nextInt(300),
                                random.nextInt(3) == 0 ? 8080 : random.nextInt(65536))
                        .transition(
                                state ? STATES[random.nextInt(STATES.length)] : null,
                                state ? STATES[random.nextInt(STATES.length)] : null)
                        .state(event.equals("tcp_send_reset") ? "ESTABLISHED" : null)
                        .bytes(maybe(random.nextLong() & 0xffffffffL), maybe((long) random.nextInt(1 << 30)))
                        .sockCookie(maybe(random.nextLong()))
                        .skbaddr(maybe(random.nextLong()))
                        .err(maybe(random.nextInt(5) - 2))
                        .reason(maybe(random.nextInt(100)))
                        .mark(maybe(0L))
                        .dataLen(maybe(random.nextInt(1500)))
                        .sndNxt(maybe(random.nextLong() & 0xffffffffL))
                        .sndUna(maybe(random.nextLong() & 0xffffffffL))
                        .sndCwnd(maybe((long) random.nextInt(100)))
                        .ssthresh(maybe((long) Integer.MAX_VALUE))
                        .sndWnd(maybe((long) random.nextInt(65536)))
                        .srttUs(maybe((long) random.nextInt(200_000)))
                        .rcvWnd(maybe((long) random.nextInt(65536)))
                        .build());
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("hostname", "test"))));
        }
        return file;
    }

    private <T> T maybe(T value) {
        return random.nextInt(3) == 0 ? null : value;
    }
}
