package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.metadata.JsonCodec;

/**
 * A trace written row group by row group and cut short (as by a kill, with half a group and no
 * footer after the last checkpoint) is finished from its checkpoints into the same rows, derived
 * columns and checksums as a trace written in one go.
 */
class TraceWriterResumeTest {
    @TempDir
    Path dir;

    private static EventRow row(int i) {
        long t0 = 1_764_000_000_000_000_000L;
        boolean open = i % 2 == 0;
        return TraceWriterDuckDbTest.setState(
                t0 + i * 1000L,
                "10.0." + (i % 7) + ".1",
                443 + i % 5,
                2,
                open ? "CLOSE" : "SYN_SENT",
                open ? "SYN_SENT" : "ESTABLISHED");
    }

    @Test
    void aFileCutAfterItsCheckpointsIsFinishedIntoTheTraceWrittenInOneGo() throws Exception {
        Path whole = dir.resolve("whole.parquet");
        try (TraceWriter w = new TraceWriter(whole)) {
            for (int i = 0; i < 3000; i++) {
                w.write(row(i));
            }
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("rows", 3000))));
        }

        Path cut = dir.resolve("cut.parquet");
        List<RowGroupCheckpoint> checkpoints = new ArrayList<>();
        byte[] state = null;
        TraceWriter w = new TraceWriter(cut);
        for (int i = 0; i < 2500; i++) {
            w.write(row(i));
            if (i % 700 == 699) {
                RowGroupCheckpoint c = w.closeRowGroup();
                assertNotNull(c);
                checkpoints.add(c);
                state = w.state();
            }
        }
        w.closeRowGroup(); // a group the journal never heard of: its rows are written again below
        try (FileChannel f = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), f.size()); // half a write
        }
        try (TraceWriter resumed = TraceWriter.resume(cut, checkpoints, state, 2100)) {
            for (int i = 2100; i < 3000; i++) {
                resumed.write(row(i));
            }
            assertEquals(3000, resumed.rows());
            resumed.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("rows", 3000))));
        }

        TraceFooter footer = TraceFooter.read(cut);
        assertEquals(TraceChecksums.Result.VERIFIED, footer.checksums());
        assertEquals(4, footer.rowGroups());
        assertEquals(3000, footer.rows());
        assertEquals(TraceFooter.read(whole).metadata(), footer.metadata());
        assertEquals(rows(whole), rows(cut));
        // The checksums of the groups written before the cut come from the file, the others from memory.
        TraceChecksumsTest.assertChecksumsOfTheBytes(cut);
        TraceChecksumsTest.assertAFlipInEachChunkIsCaught(cut);
    }

    private static List<String> rows(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + file + "')")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(rs.getObject(i)).append('|');
                }
                out.add(b.toString());
            }
        }
        return out;
    }
}
