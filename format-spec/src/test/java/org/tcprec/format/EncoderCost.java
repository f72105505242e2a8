package org.tcprec.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.impl.ColumnWriteStoreV2;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * What encoding a recording's rows costs per event, two ways, on the rows of a real trace held
 * in memory: through {@link TraceWriter}, one {@link EventRow} at a time as the recorder writes
 * (rows batched into columns, then parquet-java's column writers), and through parquet-java's
 * column writers ({@link ColumnWriteStoreV2}) alone, fed ready column arrays 4,096 rows at a time
 * with the trace writer's settings, into parquet-java's page store in memory (its pages counted,
 * not written): the floor of any writer built on parquet-java's column API. The column path is
 * given the trace's {@code life} values; the trace writer derives them, as the recorder's does.
 * Neither includes the recorder's ring reading, wire decoding or sorting window.
 *
 * <pre>java -cp format-spec/target/test-classes:cli/target/tcprec.jar org.tcprec.format.EncoderCost TRACE [COPIES [ROUNDS]]</pre>
 *
 * COPIES (default 4) repeats the trace's rows, shifted in time, to make the batch longer; each
 * of ROUNDS (default 7) rounds times both ways, and the median of the rounds after the first two
 * (the JIT's) is printed.
 */
public final class EncoderCost {
    private static final int BATCH = RowGroupEncoder.BATCH_ROWS;

    private final List<Column> columns = List.of(Column.values());
    private final long[][] numbers;
    private final Binary[][] strings;
    /** The same strings as Java strings, one instance per value, as the recorder's string cache hands them out. */
    private final String[][] texts;

    private final boolean[][] nulls;
    private final int rows;

    private EncoderCost(long[][] numbers, Binary[][] strings, String[][] texts, boolean[][] nulls, int rows) {
        this.numbers = numbers;
        this.strings = strings;
        this.texts = texts;
        this.nulls = nulls;
        this.rows = rows;
    }

    /** Bad arguments and an unreadable or empty trace end in one line and a non-zero exit. */
    public static void main(String[] args) throws IOException {
        int copies;
        int rounds;
        try {
            if (args.length < 1 || args.length > 3) {
                throw new NumberFormatException("expected TRACE [COPIES [ROUNDS]]");
            }
            copies = args.length > 1 ? Integer.parseInt(args[1]) : 4;
            rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
            if (copies < 1 || rounds < 1) {
                throw new NumberFormatException("COPIES and ROUNDS are 1 or more");
            }
        } catch (NumberFormatException e) {
            System.err.println("usage: EncoderCost TRACE [COPIES [ROUNDS]]: " + e.getMessage());
            System.exit(2);
            return;
        }
        EncoderCost cost;
        try {
            cost = load(Path.of(args[0]), copies);
        } catch (SQLException | IllegalArgumentException e) {
            System.err.println("EncoderCost: cannot read " + args[0] + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
            System.exit(1);
            return;
        }
        measure(cost, rounds);
    }

    private static void measure(EncoderCost cost, int rounds) throws IOException {
        Path out = Files.createTempFile("tcprec-encoder-cost", ".parquet");
        try {
            double[] traceWriter = new double[rounds];
            double[] column = new double[rounds];
            long[] columnNs = new long[cost.columns.size()];
            long fileBytes = 0;
            long pageBytes = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                fileBytes = cost.throughTraceWriter(out);
                traceWriter[round] = (System.nanoTime() - start) / (double) cost.rows;
                Arrays.fill(columnNs, 0);
                start = System.nanoTime();
                pageBytes = cost.throughColumnWriters(columnNs);
                column[round] = (System.nanoTime() - start) / (double) cost.rows;
                System.out.printf(
                        Locale.ROOT,
                        "round %d: trace writer %.0f ns/event, column writers alone %.0f ns/event%n",
                        round + 1,
                        traceWriter[round],
                        column[round]);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%,d events; median of rounds 3-%d: trace writer %.0f ns/event (%.2f B/event, whole file), "
                            + "column writers alone %.0f ns/event (%.2f B/event, pages only)%n",
                    cost.rows,
                    rounds,
                    median(traceWriter),
                    fileBytes / (double) cost.rows,
                    median(column),
                    pageBytes / (double) cost.rows);
            StringBuilder dearest = new StringBuilder("column writers alone, last round, ns/event by column:");
            Integer[] order = new Integer[columnNs.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Long.compare(columnNs[b], columnNs[a]));
            for (int i : order) {
                dearest.append(String.format(
                        Locale.ROOT, " %s %.0f", cost.columns.get(i).columnName(), columnNs[i] / (double) cost.rows));
            }
            System.out.println(dearest);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static double median(double[] perRound) {
        double[] warm = Arrays.copyOfRange(perRound, Math.min(2, perRound.length - 1), perRound.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }

    /** The trace's rows in time order, COPIES times, each copy after the last in time and life. */
    private static EncoderCost load(Path trace, int copies) throws SQLException {
        List<Column> columns = List.of(Column.values());
        List<Object[]> read = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT * FROM read_parquet('" + trace.toString().replace("'", "''") + "') ORDER BY time_ns")) {
            Set<String> present = new HashSet<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                present.add(rs.getMetaData().getColumnLabel(i));
            }
            while (rs.next()) {
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    String name = columns.get(i).columnName();
                    row[i] = present.contains(name) ? rs.getObject(name) : null;
                }
                read.add(row);
            }
        }
        if (read.isEmpty()) {
            throw new IllegalArgumentException("the trace has no rows");
        }
        int time = columns.indexOf(Column.TIME_NS);
        int life = columns.indexOf(Column.LIFE);
        long span =
                ((Number) read.get(read.size() - 1)[time]).longValue() - ((Number) read.get(0)[time]).longValue() + 1;
        int rows = read.size() * copies;
        long[][] numbers = new long[columns.size()][rows];
        Binary[][] strings = new Binary[columns.size()][rows];
        boolean[][] nulls = new boolean[columns.size()][rows];
        String[][] texts = new String[columns.size()][rows];
        Map<String, Binary> interned = new HashMap<>();
        Map<String, String> internedTexts = new HashMap<>();
        for (int copy = 0; copy < copies; copy++) {
            for (int r = 0; r < read.size(); r++) {
                int at = copy * read.size() + r;
                for (int i = 0; i < columns.size(); i++) {
                    Object v = read.get(r)[i];
                    if (v == null) {
                        nulls[i][at] = true;
                    } else if (columns.get(i).physicalType() == PrimitiveTypeName.BINARY) {
                        strings[i][at] = interned.computeIfAbsent(v.toString(), Binary::fromString);
                        texts[i][at] = internedTexts.computeIfAbsent(v.toString(), t -> t);
                    } else {
                        long shift = i == time ? copy * span : i == life ? (long) copy * read.size() : 0;
                        numbers[i][at] = ((Number) v).longValue() + shift;
                    }
                }
            }
        }
        return new EncoderCost(numbers, strings, texts, nulls, rows);
    }

    /** Writes every row through the trace writer, as the recorder does; returns the file's size. */
    private long throughTraceWriter(Path out) throws IOException {
        try (TraceWriter writer = new TraceWriter(out)) {
            for (int r = 0; r < rows; r++) {
                writer.write(row(r));
            }
            writer.metadata(TraceMetadata.EMPTY);
        }
        return Files.size(out);
    }

    private EventRow row(int r) {
        return new EventRow(
                number(Column.TIME_NS, r),
                string(Column.EVENT, r),
                (int) number(Column.CPU, r),
                (int) number(Column.TGID, r),
                (int) number(Column.TID, r),
                string(Column.COMM, r),
                boxed(Column.NETNS, r),
                boxed(Column.CGROUP_ID, r),
                boxed(Column.SKADDR, r),
                (int) number(Column.FAMILY, r),
                string(Column.LADDR, r),
                (int) number(Column.LPORT, r),
                string(Column.RADDR, r),
                (int) number(Column.RPORT, r),
                string(Column.OLDSTATE, r),
                string(Column.NEWSTATE, r),
                string(Column.STATE, r),
                boxed(Column.BYTES_ACKED, r),
                boxed(Column.BYTES_RECEIVED, r),
                boxed(Column.SOCK_COOKIE, r),
                boxed(Column.SKBADDR, r),
                boxed(Column.REQ, r),
                boxedInt(Column.ERR, r),
                boxedInt(Column.REASON, r),
                boxed(Column.MARK, r),
                boxedInt(Column.DATA_LEN, r),
                boxed(Column.SND_NXT, r),
                boxed(Column.SND_UNA, r),
                boxed(Column.SND_CWND, r),
                boxed(Column.SSTHRESH, r),
                boxed(Column.SND_WND, r),
                boxed(Column.SRTT_US, r),
                boxed(Column.RCV_WND, r));
    }

    private long number(Column c, int r) {
        return numbers[c.ordinal()][r];
    }

    private Long boxed(Column c, int r) {
        return nulls[c.ordinal()][r] ? null : numbers[c.ordinal()][r];
    }

    private Integer boxedInt(Column c, int r) {
        return nulls[c.ordinal()][r] ? null : (int) numbers[c.ordinal()][r];
    }

    private String string(Column c, int r) {
        return texts[c.ordinal()][r];
    }

    /**
     * Encodes every row, BATCH rows a column at a time, into parquet-java's page store (pages
     * compressed as the trace writer compresses them, held in memory); returns their bytes.
     */
    private long throughColumnWriters(long[] columnNs) {
        MessageType schema = TraceSchema.messageType();
        ColumnChunkPageWriteStore pages = RowGroupEncoder.pageStore();
        ColumnWriteStoreV2 store = new ColumnWriteStoreV2(schema, pages, RowGroupEncoder.PROPERTIES);
        List<ColumnDescriptor> descriptors = schema.getColumns();
        for (int from = 0; from < rows; from += BATCH) {
            int to = Math.min(rows, from + BATCH);
            for (int i = 0; i < descriptors.size(); i++) {
                long start = System.nanoTime();
                ColumnDescriptor d = descriptors.get(i);
                ColumnWriter writer = store.getColumnWriter(d);
                int defined = d.getMaxDefinitionLevel();
                PrimitiveTypeName type = d.getPrimitiveType().getPrimitiveTypeName();
                for (int r = from; r < to; r++) {
                    if (nulls[i][r]) {
                        writer.writeNull(0, 0);
                    } else if (type == PrimitiveTypeName.INT64) {
                        writer.write(numbers[i][r], 0, defined);
                    } else if (type == PrimitiveTypeName.INT32) {
                        writer.write((int) numbers[i][r], 0, defined);
                    } else {
                        writer.write(strings[i][r], 0, defined);
                    }
                }
                columnNs[i] += System.nanoTime() - start;
            }
            for (int r = from; r < to; r++) {
                store.endRecord();
            }
        }
        store.flush();
        long bytes = 0;
        for (ColumnDescriptor d : descriptors) {
            bytes += pages.getPageWriter(d).getMemSize();
        }
        store.close();
        pages.close();
        return bytes;
    }
}
