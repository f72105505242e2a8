package org.tcprec.analyzer.scrub;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcprec.analyzer.trace.TraceDatabase;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.Column;
import org.tcprec.format.EventRow;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceSchema;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.Scrub;

/**
 * Writes a scrubbed copy of a trace: every row, in the same order, with addresses, process names,
 * kernel addresses and socket cookies replaced (ports too on request), and the footer metadata
 * filtered by {@link MetadataScrubber}. The copy is a new Parquet file written by TraceWriter, not
 * an edited one: the original's dictionary pages, page and column statistics (min/max) and page
 * indexes all hold original values, and none of them is carried over.
 */
public final class TraceScrubber {
    /** Bumped when the same key and options would map anything differently. */
    public static final int METHOD_VERSION = 1;

    public record Options(boolean scrubPorts, boolean keepComm) {}

    public record Result(
            long rows,
            int addresses,
            int comms,
            int sockets,
            List<String> replacedKeys,
            List<String> droppedKeys,
            List<String> droppedColumns) {}

    /** Columns whose values are kernel addresses: one mapping for all, so equal pointers stay equal. */
    private static final Set<Column> KERNEL_ADDRESSES = Set.of(Column.SKADDR, Column.SKBADDR, Column.REQ);

    /**
     * Columns TraceWriter derives from the rows before (format 1.1): written anew from the scrubbed
     * rows, and the same, since the kernel-address mapping keeps equal addresses equal.
     */
    private static final Set<Column> DERIVED = Set.of(Column.LIFE);

    private final ScrubKey key;
    private final Options options;

    public TraceScrubber(ScrubKey key, Options options) {
        this.key = key;
        this.options = options;
    }

    public Result scrub(Path input, Path output) throws IOException {
        AddressAnonymizer addresses = new AddressAnonymizer(key);
        Pseudonyms pseudonyms = new Pseudonyms(key);
        KeyedPermutation64 pointers = new KeyedPermutation64(key.subkey("tcprec scrub kernel addresses"));
        KeyedPermutation64 cookies = new KeyedPermutation64(key.subkey("tcprec scrub socket cookies"));
        Map<Long, Long> sockets = new HashMap<>();
        Map<String, Integer> distinctAddresses = new HashMap<>();
        try (TraceDatabase db = TraceDatabase.open(List.of(input))) {
            TraceFooter footer = db.footers().get(0);
            List<String> present = footer.columns();
            List<String> droppedColumns = new ArrayList<>(present);
            // raw_events gives every version's time column as time
            droppedColumns.remove(footer.timeColumn());
            // a 1.x original's, which the copy's readers derive again (the same values: life is kept)
            droppedColumns.removeAll(TraceSchema.DERIVED_BY_READERS);
            StringBuilder select = new StringBuilder();
            for (Column c : Column.values()) {
                droppedColumns.remove(c.columnName());
                if (DERIVED.contains(c)) {
                    continue;
                }
                select.append(select.length() > 0 ? ", " : "");
                if (c == Column.TIME_NS) {
                    select.append("epoch_ns(time) AS time_ns");
                } else if (!present.contains(c.columnName())) {
                    select.append("NULL AS ").append(c.columnName());
                } else {
                    select.append(c.columnName());
                }
            }
            MetadataScrubber meta = new MetadataScrubber(pseudonyms, options.scrubPorts);
            TraceMetadata metadata = meta.scrub(footer.metadata());
            long rows = 0;
            try (TraceWriter writer = new TraceWriter(output);
                    Statement s = db.connection().createStatement();
                    ResultSet rs = s.executeQuery("SELECT " + select + " FROM raw_events ORDER BY seq")) {
                while (rs.next()) {
                    String laddr = address(addresses, rs.getString("laddr"), rows);
                    String raddr = address(addresses, rs.getString("raddr"), rows);
                    distinctAddresses.merge(laddr, 1, Integer::sum);
                    distinctAddresses.merge(raddr, 1, Integer::sum);
                    Long skaddr = uint64(rs, "skaddr");
                    Long mappedSk = skaddr == null ? null : sockets.computeIfAbsent(skaddr, pointers::apply);
                    String comm = rs.getString("comm");
                    writer.write(new EventRow(
                            rs.getLong("time_ns"),
                            rs.getString("event"),
                            rs.getInt("cpu"),
                            rs.getInt("tgid"),
                            rs.getInt("tid"),
                            options.keepComm || comm == null ? comm : pseudonyms.comm(comm),
                            int64(rs, "netns"),
                            uint64(rs, "cgroup_id"),
                            mappedSk,
                            rs.getInt("family"),
                            laddr,
                            port(pseudonyms, rs.getInt("lport")),
                            raddr,
                            port(pseudonyms, rs.getInt("rport")),
                            rs.getString("oldstate"),
                            rs.getString("newstate"),
                            rs.getString("state"),
                            int64(rs, "bytes_acked"),
                            int64(rs, "bytes_received"),
                            map(cookies, uint64(rs, "sock_cookie")),
                            map(pointers, uint64(rs, "skbaddr")),
                            map(pointers, uint64(rs, "req")),
                            int32(rs, "err"),
                            int32(rs, "reason"),
                            int64(rs, "mark"),
                            int32(rs, "data_len"),
                            int64(rs, "snd_nxt"),
                            int64(rs, "snd_una"),
                            int64(rs, "snd_cwnd"),
                            int64(rs, "ssthresh"),
                            int64(rs, "snd_wnd"),
                            int64(rs, "srtt_us"),
                            int64(rs, "rcv_wnd")));
                    rows++;
                }
                Scrub record = new Scrub(
                        true,
                        (long) METHOD_VERSION,
                        footer.formatVersion(),
                        "prefix-preserving keyed mapping (Crypto-PAn construction, HMAC-SHA256); "
                                + "special-purpose ranges map into themselves, public addresses to public addresses; "
                                + "IPv4-mapped and NAT64 IPv6 addresses embed the IPv4 address's mapping",
                        AddressAnonymizer.KEPT_RANGES,
                        options.scrubPorts ? "keyed permutation within 0, 1-1023 and 1024-65535" : "kept",
                        options.keepComm ? "kept" : "keyed pseudonyms comm-XXXXXXXX",
                        "skaddr, skbaddr, req: one keyed 64-bit permutation (AES Feistel)",
                        "keyed 64-bit permutation (AES Feistel)",
                        "all others, unchanged; tgid, tid, netns and cgroup_id included",
                        meta.replaced,
                        meta.dropped,
                        droppedColumns,
                        key.isRandom() ? "random, used once and not stored" : "from a key file, not stored",
                        key.fingerprint(),
                        meta.previous,
                        null);
                // the copy is written in the newest format this version writes, whatever the original's
                writer.metadata(metadata.scrubbed(TraceSchema.VERSION, record));
            } catch (SQLException e) {
                throw new UserError("cannot read " + input + ": " + TraceDatabase.firstLine(e.getMessage()), e);
            }
            return new Result(
                    rows,
                    distinctAddresses.size(),
                    pseudonyms.commCount(),
                    sockets.size(),
                    meta.replaced,
                    meta.dropped,
                    droppedColumns);
        }
    }

    private int port(Pseudonyms pseudonyms, int port) {
        return options.scrubPorts ? pseudonyms.port(port) : port;
    }

    private static String address(AddressAnonymizer addresses, String text, long row) {
        if (text == null) {
            return null;
        }
        try {
            return addresses.anonymize(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("row " + row + ": " + e.getMessage() + "; cannot scrub it");
        }
    }

    private static Long map(KeyedPermutation64 permutation, Long value) {
        return value == null ? null : permutation.apply(value);
    }

    private static Long uint64(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null) {
            return null;
        }
        // UBIGINT arrives as BigInteger above 2^63; the trace stores the same 64 bits signed
        return v instanceof BigInteger b ? b.longValue() : ((Number) v).longValue();
    }

    private static Long int64(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        return v == null ? null : ((Number) v).longValue();
    }

    private static Integer int32(ResultSet rs, String column) throws SQLException {
        Object v = rs.getObject(column);
        return v == null ? null : ((Number) v).intValue();
    }
}
