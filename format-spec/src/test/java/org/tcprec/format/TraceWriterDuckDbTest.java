package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.format.metadata.JsonCodec;

/** A trace written here is read back by DuckDB, the analyzer's engine, as plain SQL. */
class TraceWriterDuckDbTest {
    @TempDir
    Path dir;

    static EventRow setState(long timeNs, String raddr, int rport, int family, String oldstate, String newstate) {
        return EventRowBuilder.row(timeNs, "inet_sock_set_state")
                .cpu(1)
                .task(42, 43, "curl")
                .netns(4026531840L)
                .cgroupId(1L)
                .skaddr(0xffff888012345678L)
                .family(family)
                .local(family == 2 ? "127.0.0.1" : "::1", 40000)
                .remote(raddr, rport)
                .transition(oldstate, newstate)
                .bytes(10L, 20L)
                .build();
    }

    @Test
    void duckDbReadsAddressesPortsAndNanosecondTimestamps() throws Exception {
        Path file = dir.resolve("t.parquet");
        long t0 = 1_764_000_000_123_456_789L; // a nanosecond-precise UTC time
        try (TraceWriter w = new TraceWriter(file)) {
            w.write(setState(t0, "10.1.2.3", 443, 2, "CLOSE", "SYN_SENT"));
            w.write(setState(t0 + 1, "10.1.2.3", 443, 2, "SYN_SENT", "ESTABLISHED"));
            w.write(setState(t0 + 2, "2001:db8::1", 443, 10, "CLOSE", "SYN_SENT"));
            w.write(setState(t0 + 3, "10.9.9.9", 80, 2, "CLOSE", "SYN_SENT"));
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(Map.of("hostname", "h1"))));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(
                    "SELECT raddr, count(*) FROM '" + file + "' WHERE rport = 443 GROUP BY 1 ORDER BY 1");
            assertTrue(rs.next());
            assertEquals("10.1.2.3", rs.getString(1));
            assertEquals(2, rs.getLong(2));
            assertTrue(rs.next());
            assertEquals("2001:db8::1", rs.getString(1));
            assertEquals(1, rs.getLong(2));
            rs = s.executeQuery(
                    "SELECT typeof(time_ns), time_ns, skaddr, state FROM '" + file + "' ORDER BY time_ns LIMIT 1");
            assertTrue(rs.next());
            assertEquals("BIGINT", rs.getString(1));
            assertEquals(t0, rs.getLong(2));
            assertEquals(Long.toUnsignedString(0xffff888012345678L), rs.getString(3));
            assertNull(rs.getString(4));
        }
        TraceFooter footer = TraceFooter.read(file);
        assertEquals(TraceSchema.VERSION, footer.formatVersion());
        assertEquals("h1", footer.metadata().other().get("hostname").asText());
        assertEquals(4, footer.rows());
    }
}
