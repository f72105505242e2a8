package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.assertFailure;
import static org.tcprec.cli.CommandLineErrorsTest.assertUsage;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceSchema;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;

/**
 * tcprec scrub on the committed sample traces: nothing identifying survives anywhere in the
 * file's bytes, every other value is kept exactly, and the reports on the scrubbed file say what
 * the original's say, value for scrubbed value.
 */
class ScrubTest {
    static final Path SAMPLES = Path.of("..", "sample-traces");
    /** Addresses that are a special-purpose range of their own: nothing to hide, and they stay. */
    static final Set<String> SELF_RANGES = Set.of("0.0.0.0", "::", "::1", "255.255.255.255");

    static final List<String> SCRUBBED_COLUMNS =
            List.of("laddr", "raddr", "comm", "skaddr", "skbaddr", "req", "sock_cookie");

    @TempDir
    Path dir;

    Path key(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    Path scrub(String sample, Path key, String... extra) throws IOException {
        Path out = dir.resolve(sample + "-" + key.getFileName() + "-" + extra.length + ".parquet");
        List<String> args = new ArrayList<>(List.of(
                "scrub",
                SAMPLES.resolve(sample + ".parquet").toString(),
                "-o",
                out.toString(),
                "--key-file",
                key.toString()));
        args.addAll(List.of(extra));
        TcprecRun r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("scrubbed"), r.err());
        return out;
    }

    /**
     * Every row of a trace, in file order, as the strings DuckDB gives (UBIGINT as unsigned decimal);
     * a 1.x trace's time as the time_ns a 2.0 trace stores for it.
     */
    static List<Map<String, String>> rows(Path trace) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        boolean timestamp =
                org.tcprec.format.TraceFooter.read(trace).timeColumn().equals("time");
        String columns = timestamp
                ? "* EXCLUDE (file_row_number, time), epoch_ns(time) AS time_ns"
                : "* EXCLUDE (file_row_number)";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + columns + " FROM read_parquet('" + trace
                        + "', file_row_number = true) ORDER BY file_row_number")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(md.getColumnLabel(i), v == null ? null : String.valueOf(v));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * The mapping the scrubber applied, read off the two files row by row: for each scrubbed
     * column, original value -> scrubbed value. Fails unless it is a function and one-to-one.
     */
    static Map<String, String> mapping(List<Map<String, String>> original, List<Map<String, String>> scrubbed) {
        assertEquals(original.size(), scrubbed.size(), "rows");
        Map<String, String> forward = new HashMap<>();
        Map<String, String> backward = new HashMap<>();
        for (int i = 0; i < original.size(); i++) {
            Map<String, String> o = original.get(i);
            Map<String, String> s = scrubbed.get(i);
            // a 1.0 original gains life, which the writer derives, and the 2.0 copy leaves out
            // protocol and ns_in_oldstate, which its readers derive; they are checked below
            Set<String> gained = new java.util.HashSet<>(s.keySet());
            gained.removeAll(o.keySet());
            assertTrue(List.of("life").containsAll(gained), "columns gained: " + gained);
            Set<String> lost = new java.util.HashSet<>(o.keySet());
            lost.removeAll(s.keySet());
            assertTrue(List.of("protocol", "ns_in_oldstate").containsAll(lost), "columns lost: " + lost);
            for (String column : o.keySet()) {
                if (lost.contains(column)) {
                    continue;
                }
                String a = o.get(column);
                String b = s.get(column);
                if (!SCRUBBED_COLUMNS.contains(column)) {
                    assertEquals(a, b, "row " + i + " column " + column + " is kept exactly");
                    continue;
                }
                assertEquals(a == null, b == null, "row " + i + " " + column + ": null stays null");
                if (a == null) {
                    continue;
                }
                String kind = column.endsWith("addr") && !column.equals("skaddr") && !column.equals("skbaddr")
                        ? "addr"
                        : column.equals("comm") ? "comm" : column.equals("sock_cookie") ? "cookie" : "pointer";
                String earlier = forward.put(kind + ":" + a, b);
                assertTrue(earlier == null || earlier.equals(b), column + " " + a + " maps to one value");
                String back = backward.put(kind + ":" + b, a);
                assertTrue(back == null || back.equals(a), column + " " + b + " comes from one value");
                if (kind.equals("pointer") || kind.equals("cookie")) {
                    forward.put("hex:" + new BigInteger(a).toString(16), new BigInteger(b).toString(16));
                }
            }
        }
        return forward;
    }

    /** The file's bytes followed by the content of every ZSTD frame in it (the pages, decompressed). */
    static byte[] everything(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(raw);
        int frames = 0;
        for (int i = 0; i + 4 <= raw.length; i++) {
            if ((raw[i] & 0xff) == 0x28
                    && (raw[i + 1] & 0xff) == 0xb5
                    && (raw[i + 2] & 0xff) == 0x2f
                    && (raw[i + 3] & 0xff) == 0xfd) {
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(raw, i, raw.length - i))) {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        frame.write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    // the bytes after a frame are the next page header, not another frame
                }
                if (frame.size() > 0) {
                    frames++;
                    all.write(0);
                    all.write(frame.toByteArray());
                }
            }
        }
        assertTrue(frames > 10, file + ": found " + frames + " compressed pages");
        return all.toByteArray();
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Each secret of a trace in the forms the file could hold it. Keys starting "stored" are forms
     * the original does hold (text columns as UTF-8, dictionary-encoded UINT64 as 8 little-endian
     * bytes, the footer's JSON): the search must find every one of them there. The other forms
     * (decimal and hex text, binary addresses, delta-encoded skbaddr) are searched for as well.
     */
    static Map<String, byte[]> secrets(Path trace, List<Map<String, String>> rows) throws Exception {
        Map<String, byte[]> secrets = new HashMap<>();
        for (Map<String, String> row : rows) {
            for (String column : SCRUBBED_COLUMNS) {
                String v = row.get(column);
                if (v == null || SELF_RANGES.contains(v)) {
                    continue;
                }
                if (column.endsWith("addr") && !column.startsWith("sk")) {
                    secrets.put("stored " + column + " text " + v, v.getBytes(StandardCharsets.UTF_8));
                    secrets.put(
                            "extra " + column + " binary " + v,
                            java.net.InetAddress.getByName(v).getAddress());
                } else if (column.equals("comm")) {
                    // as Parquet's PLAIN byte array holds it (4-byte little-endian length first): a comm
                    // such as "java" is also a word of the footer's metadata, which is no leak
                    byte[] text = v.getBytes(StandardCharsets.UTF_8);
                    secrets.put(
                            "stored comm " + v,
                            ByteBuffer.allocate(4 + text.length)
                                    .order(ByteOrder.LITTLE_ENDIAN)
                                    .putInt(text.length)
                                    .put(text)
                                    .array());
                } else {
                    BigInteger n = new BigInteger(v);
                    secrets.put(
                            (column.equals("skbaddr") ? "extra " : "stored ") + column + " uint64le " + v,
                            ByteBuffer.allocate(8)
                                    .order(ByteOrder.LITTLE_ENDIAN)
                                    .putLong(n.longValue())
                                    .array());
                    secrets.put("extra " + column + " decimal " + v, v.getBytes(StandardCharsets.UTF_8));
                    secrets.put("extra " + column + " hex " + v, n.toString(16).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        TraceMetadata meta = TraceFooter.read(trace).metadata();
        secrets.put("stored hostname", ("\"" + meta.host().hostname() + "\"").getBytes(StandardCharsets.UTF_8));
        secrets.put("stored boot id", String.valueOf(meta.host().bootId()).getBytes(StandardCharsets.UTF_8));
        for (String a : meta.commandLine()) {
            if (a.contains("/")) {
                secrets.put("stored command line " + a, a.getBytes(StandardCharsets.UTF_8));
            }
        }
        return secrets;
    }

    @ParameterizedTest
    @ValueSource(strings = {"clean", "ipv6", "retransmits-resets", "partial", "diff-before", "diff-after"})
    void noOriginalValueSurvivesAnywhereInTheFile(String sample) throws Exception {
        Path original = SAMPLES.resolve(sample + ".parquet");
        Path scrubbed = scrub(sample, key("k", "a key of more than sixteen bytes"));
        List<Map<String, String>> rows = rows(original);
        Map<String, byte[]> secrets = secrets(original, rows);
        byte[] before = everything(original);
        byte[] after = everything(scrubbed);
        int stored = 0;
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            if (secret.getKey().startsWith("stored")) {
                // the search works: it finds the secret in the original
                assertTrue(
                        contains(before, secret.getValue()),
                        sample + ": " + secret.getKey() + " not found in the original");
                stored++;
            }
            assertFalse(
                    contains(after, secret.getValue()), sample + ": " + secret.getKey() + " is in the scrubbed file");
        }
        assertTrue(stored >= 6, sample + ": " + stored + " stored secrets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clean", "ipv6", "retransmits-resets", "partial", "diff-before", "diff-after"})
    void everyOtherValueIsKeptAndTheMappingIsOneToOne(String sample) throws Exception {
        Path original = SAMPLES.resolve(sample + ".parquet");
        Path scrubbed = scrub(sample, key("k", "a key of more than sixteen bytes"));
        Map<String, String> map = mapping(rows(original), rows(scrubbed));
        // the socket lifetimes the writer derived from the scrubbed rows, and the times in state and
        // protocol its readers derive, are those tcprec has for the original's (stored or derived)
        String lifetimes = "SELECT life, ns_in_oldstate, protocol FROM raw_events ORDER BY seq";
        TcprecRun a = run("sql", "--csv", original.toString(), lifetimes);
        TcprecRun b = run("sql", "--csv", scrubbed.toString(), lifetimes);
        assertEquals(0, a.exit(), a.err());
        assertEquals(a.out(), b.out());
        assertTrue(a.out().lines().skip(1).anyMatch(l -> !l.startsWith(",")), "lifetimes were compared");
        for (Map.Entry<String, String> e : map.entrySet()) {
            String value = e.getKey().substring(e.getKey().indexOf(':') + 1);
            if (!SELF_RANGES.contains(value)) {
                assertNotEquals(value, e.getValue(), e.getKey());
            }
            if (e.getKey().startsWith("addr:")) {
                // loopback stays loopback; ::1 and 0.0.0.0 are classes of one
                if (value.startsWith("127.")) {
                    assertTrue(e.getValue().startsWith("127."), e.toString());
                }
                if (value.startsWith("::ffff:127.")) {
                    assertTrue(e.getValue().startsWith("::ffff:127."), e.toString());
                    assertEquals(
                            map.get("addr:" + value.substring(7)), e.getValue().substring(7), "same as bare IPv4");
                }
            }
            if (e.getKey().startsWith("comm:")) {
                assertTrue(e.getValue().matches("comm-[0-9a-f]{8}"), e.getValue());
            }
        }
    }

    /** Reports whose --json rows must agree once the scrubbed values are mapped. */
    static final String[][] REPORTS = {
        {"tcplife", "clean"},
        {"tcplife", "ipv6"},
        {"tcplife", "--partial", "partial"},
        {"tcpstates", "clean"},
        {"tcpstates", "retransmits-resets"},
        {"tcpretrans", "--synack", "retransmits-resets"},
        {"tcpconnect", "-x", "retransmits-resets"},
        {"tcpaccept", "retransmits-resets"},
        {"tcpconnlat", "retransmits-resets"},
        {"tcpreset", "retransmits-resets"},
        {"tcprtt", "--connections", "clean"},
        {"print", "retransmits-resets"},
    };

    @Test
    void reportsOnTheScrubbedTraceAgreeWithTheOriginal() throws Exception {
        Path key = key("k", "a key of more than sixteen bytes");
        Map<String, Path> scrubbed = new HashMap<>();
        for (String sample : List.of("clean", "ipv6", "retransmits-resets", "partial")) {
            scrubbed.put(sample, scrub(sample, key));
        }
        for (String[] report : REPORTS) {
            String sample = report[report.length - 1];
            Path original = SAMPLES.resolve(sample + ".parquet");
            Map<String, String> map = mapping(rows(original), rows(scrubbed.get(sample)));
            Map<String, String> byValue = new HashMap<>();
            map.forEach((k, v) -> byValue.put(k.substring(k.indexOf(':') + 1), v));
            for (String field : List.of("hostname", "boot_id")) {
                byValue.put(
                        String.valueOf(host(original).get(field)),
                        String.valueOf(host(scrubbed.get(sample)).get(field)));
            }
            for (boolean json : new boolean[] {true, false}) {
                List<String> args = new ArrayList<>(List.of(report).subList(0, report.length - 1));
                if (json) {
                    args.add("--json");
                }
                TcprecRun a = run(with(args, original.toString()));
                TcprecRun b = run(with(args, scrubbed.get(sample).toString()));
                assertEquals(0, a.exit(), a.err());
                assertEquals(0, b.exit(), b.err());
                List<String> linesA = a.out().lines().toList();
                List<String> linesB = b.out().lines().toList();
                assertEquals(linesA.size(), linesB.size(), String.join(" ", report));
                assertTrue(linesA.size() > 1, String.join(" ", report) + " prints rows");
                for (int i = 0; i < linesA.size(); i++) {
                    String where = String.join(" ", report) + (json ? " --json" : "") + " line " + i;
                    if (json) {
                        assertJsonAgrees(linesA.get(i), linesB.get(i), byValue, where);
                    } else {
                        assertTokensAgree(linesA.get(i), linesB.get(i), byValue, where);
                    }
                }
            }
        }
    }

    /** host.hostname and host.boot_id. */
    static Map<String, String> host(Path trace) throws Exception {
        TraceMetadata.Host host = TraceFooter.read(trace).metadata().host();
        return Map.of("hostname", host.hostname(), "boot_id", host.bootId());
    }

    @Test
    void diffOfTwoScrubbedTracesAgreesWithTheOriginals() throws Exception {
        Path key = key("k", "a key of more than sixteen bytes");
        Map<String, String> byValue = new HashMap<>();
        String[] originals = new String[2];
        String[] scrubbed = new String[2];
        String[] names = {"diff-before", "diff-after"};
        for (int i = 0; i < 2; i++) {
            Path original = SAMPLES.resolve(names[i] + ".parquet");
            Path copy = scrub(names[i], key);
            mapping(rows(original), rows(copy)).forEach((k, v) -> byValue.put(k.substring(k.indexOf(':') + 1), v));
            for (String field : List.of("hostname", "boot_id")) {
                byValue.put(
                        String.valueOf(host(original).get(field)),
                        String.valueOf(host(copy).get(field)));
            }
            byValue.put(original.toString(), copy.toString());
            originals[i] = original.toString();
            scrubbed[i] = copy.toString();
        }
        for (List<String> options : List.of(
                List.<String>of(), List.of("--by", "comm"), List.of("--by", "raddr"), List.of("--by", "rport"))) {
            List<String> a = new ArrayList<>(List.of("diff"));
            a.addAll(options);
            List<String> b = new ArrayList<>(a);
            a.addAll(List.of(originals));
            b.addAll(List.of(scrubbed));
            TcprecRun ra = run(a.toArray(String[]::new));
            TcprecRun rb = run(b.toArray(String[]::new));
            assertEquals(0, ra.exit(), ra.err());
            assertEquals(0, rb.exit(), rb.err());
            List<String> la = ra.out().lines().toList();
            List<String> lb = rb.out().lines().toList();
            assertEquals(la.size(), lb.size(), "diff " + options);
            assertTrue(la.size() > 30, "diff " + options + " prints its metrics");
            for (int i = 0; i < la.size(); i++) {
                if (la.get(i).startsWith("  format version")) {
                    // the 1.0 samples are scrubbed into the newest format
                    assertEquals(
                            List.of("format", "version", TraceSchema.VERSION, TraceSchema.VERSION),
                            List.of(lb.get(i).trim().split("\\s+")));
                    continue;
                }
                assertTokensAgree(la.get(i), lb.get(i), byValue, "diff " + options + " line " + i);
            }
            a.add(1, "--json");
            b.add(1, "--json");
            assertJsonTreeAgrees(
                    JsonCodec.value(run(a.toArray(String[]::new)).out()),
                    JsonCodec.value(run(b.toArray(String[]::new)).out()),
                    byValue,
                    "diff --json " + options);
        }
    }

    static void assertJsonTreeAgrees(Object a, Object b, Map<String, String> byValue, String where) {
        if (a instanceof Map<?, ?> ma && "format version".equals(ma.get("name"))) {
            Map<?, ?> mb = (Map<?, ?>) b;
            assertEquals(TraceSchema.VERSION, mb.get("before"), where);
            assertEquals(TraceSchema.VERSION, mb.get("after"), where);
            return;
        }
        if (a instanceof Map<?, ?> ma) {
            assertTrue(b instanceof Map<?, ?>, where);
            Map<?, ?> mb = (Map<?, ?>) b;
            assertEquals(
                    ma.keySet().stream()
                            .map(k -> byValue.getOrDefault(String.valueOf(k), String.valueOf(k)))
                            .toList(),
                    mb.keySet().stream().map(String::valueOf).toList(),
                    where);
            for (Object k : ma.keySet()) {
                assertJsonTreeAgrees(
                        ma.get(k),
                        mb.get(byValue.getOrDefault(String.valueOf(k), String.valueOf(k))),
                        byValue,
                        where + "." + k);
            }
        } else if (a instanceof List<?> la) {
            List<?> lb = (List<?>) b;
            assertEquals(la.size(), lb.size(), where);
            for (int i = 0; i < la.size(); i++) {
                assertJsonTreeAgrees(la.get(i), lb.get(i), byValue, where + "[" + i + "]");
            }
        } else if (a instanceof String sa) {
            assertEquals(byValue.getOrDefault(sa, sa), b, where);
        } else {
            assertEquals(a, b, where);
        }
    }

    static String[] with(List<String> args, String trace) {
        List<String> all = new ArrayList<>(args);
        all.add(trace);
        return all.toArray(String[]::new);
    }

    static void assertJsonAgrees(String a, String b, Map<String, String> byValue, String where) {
        @SuppressWarnings("unchecked")
        Map<String, Object> ra = (Map<String, Object>) JsonCodec.value(a);
        @SuppressWarnings("unchecked")
        Map<String, Object> rb = (Map<String, Object>) JsonCodec.value(b);
        assertEquals(ra.keySet(), rb.keySet(), where);
        for (String k : ra.keySet()) {
            if (k.equals("filename")) {
                continue; // the file's own path
            }
            Object va = ra.get(k);
            String mapped = va == null ? null : byValue.getOrDefault(String.valueOf(va), String.valueOf(va));
            assertEquals(mapped, rb.get(k) == null ? null : String.valueOf(rb.get(k)), where + " field " + k);
        }
    }

    /** Text lines: the same tokens, a scrubbed one in place of each original (maybe cut to the column's width). */
    static void assertTokensAgree(String a, String b, Map<String, String> byValue, String where) {
        // a comm holding a space (a JVM thread current in softirq: "C1 CompilerThre") is one token, its
        // spaces made no-break ones in the line, whole or cut to its column's width, and in the mapping
        Map<String, String> values = new HashMap<>(byValue);
        for (Map.Entry<String, String> e : byValue.entrySet()) {
            String name = e.getKey();
            if (!name.contains(" ") || !e.getValue().startsWith("comm-")) {
                continue;
            }
            values.put(name.replace(' ', '\u00a0'), e.getValue());
            for (int len = name.length(); len >= 8; len--) {
                String cut = name.substring(0, len);
                if (!cut.endsWith(" ") && a.contains(cut)) {
                    a = a.replace(cut, cut.replace(' ', '\u00a0'));
                    break;
                }
            }
        }
        String[] ta = a.trim().split("\\s+");
        String[] tb = b.trim().split("\\s+");
        assertEquals(ta.length, tb.length, where + "\n" + a + "\n" + b);
        for (int i = 0; i < ta.length; i++) {
            String got = tb[i];
            List<String> candidates = mapToken(ta[i], values);
            assertTrue(
                    candidates.stream()
                            .anyMatch(c -> c.equals(got)
                                    || (c.length() > got.length() && got.length() >= 8 && c.startsWith(got))),
                    where + " token " + i + ": " + ta[i] + " -> " + got + ", expected one of " + candidates + "\n" + a
                            + "\n" + b);
        }
    }

    static List<String> mapToken(String token, Map<String, String> byValue) {
        if (byValue.containsKey(token)) {
            return List.of(byValue.get(token));
        }
        // a comm cut to its column's width: any name it may be cut from, cut the same way
        List<String> cut = new ArrayList<>();
        for (Map.Entry<String, String> e : byValue.entrySet()) {
            if (e.getKey().startsWith(token)
                    && token.length() >= 8
                    && e.getValue().startsWith("comm-")) {
                cut.add(e.getValue());
            }
        }
        if (!cut.isEmpty()) {
            return cut;
        }
        // name=value forms (print)
        int eq = token.indexOf('=');
        if (eq > 0) {
            return mapToken(token.substring(eq + 1), byValue).stream()
                    .map(v -> token.substring(0, eq + 1) + v)
                    .toList();
        }
        // address:port forms (tcpretrans, tcpreset)
        int colon = token.lastIndexOf(':');
        if (colon > 0 && byValue.containsKey(token.substring(0, colon))) {
            return List.of(byValue.get(token.substring(0, colon)) + token.substring(colon));
        }
        return List.of(token);
    }

    @Test
    void sameKeySameFileDifferentKeyDifferentValues() throws Exception {
        Path a1 = scrub("retransmits-resets", key("k1", "first key, long enough for it"));
        Path a2 = dir.resolve("again.parquet");
        assertEquals(
                0,
                run(
                                "scrub",
                                SAMPLES.resolve("retransmits-resets.parquet").toString(),
                                "-o",
                                a2.toString(),
                                "--key-file",
                                dir.resolve("k1").toString())
                        .exit());
        Path b = scrub("retransmits-resets", key("k2", "second key, long enough for it"));
        List<Map<String, String>> r1 = rows(a1);
        assertEquals(-1, Files.mismatch(a1, a2), "the same key and input give the same file, byte for byte");
        assertEquals(r1, rows(a2));
        List<Map<String, String>> rb = rows(b);
        for (String column : List.of("laddr", "comm", "skaddr")) {
            assertNotEquals(r1.get(0).get(column), rb.get(0).get(column), column);
        }
        // scrubbed values correlate across traces scrubbed with one key
        Map<String, String> m1 =
                mapping(rows(SAMPLES.resolve("clean.parquet")), rows(scrub("clean", dir.resolve("k1"))));
        Map<String, String> m2 = mapping(rows(SAMPLES.resolve("retransmits-resets.parquet")), r1);
        assertEquals(m1.get("addr:127.0.0.1"), m2.get("addr:127.0.0.1"));
        assertEquals(m1.get("comm:python3"), m2.get("comm:python3"));
    }

    @Test
    void metadataSaysWhatWasScrubbedButNotTheKey() throws Exception {
        String secret = "the secret key text 0123456789";
        Path scrubbed = scrub("clean", key("k", secret), "--scrub-ports");
        JsonNode meta = TraceFooter.read(scrubbed).metadataJson();
        TraceMetadata.Scrub scrub = TraceFooter.read(scrubbed).metadata().scrub();
        assertEquals(true, scrub.scrubbed());
        assertTrue(scrub.ports().startsWith("keyed permutation"));
        assertTrue(scrub.replacedMetadata()
                .containsAll(
                        List.of("host.hostname", "host.boot_id", "command_line", "sysctls.net.ipv4.tcp_fastopen_key")));
        assertFalse(contains(everything(scrubbed), secret.getBytes(StandardCharsets.UTF_8)));
        JsonNode original = TraceFooter.read(SAMPLES.resolve("clean.parquet")).metadataJson();
        for (String kept :
                List.of("clocks", "recording", "tracepoints", "lost_events", "bpf_counters", "events", "rows")) {
            assertEquals(original.get(kept), meta.get(kept), kept);
        }
        // ports scrubbed: no original port is left in the rows
        Set<String> ports = new LinkedHashSet<>();
        for (Map<String, String> row : rows(SAMPLES.resolve("clean.parquet"))) {
            ports.add(row.get("lport"));
        }
        ports.remove("0");
        for (Map<String, String> row : rows(scrubbed)) {
            assertFalse(ports.contains(row.get("lport")), row.get("lport"));
            assertFalse(ports.contains(row.get("rport")), row.get("rport"));
        }
    }

    @Test
    void whatThisVersionDoesNotKnowIsDropped() throws Exception {
        // a later format version's trace: an extra column and an extra metadata key, both private
        // (written from a 1.0 sample, whose columns it keeps)
        Path original = SAMPLES.resolve("older-formats").resolve("clean.parquet");
        ObjectNode meta = (ObjectNode) TraceFooter.read(original).metadataJson().deepCopy();
        meta.putObject("site").put("datacenter", "secret-dc-name-7");
        Path later = dir.resolve("later.parquet");
        String json = JsonCodec.writeCompact(meta).replace("'", "''");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute(
                    "COPY (SELECT *, 'secret-rack-label-9' AS rack FROM read_parquet('" + original + "')) TO '" + later
                            + "' (FORMAT parquet, COMPRESSION zstd, KV_METADATA {'tcprec.format_version': '1.0', 'tcprec.metadata': '"
                            + json + "'})");
        }
        assertTrue(contains(everything(later), "secret-rack-label-9".getBytes(StandardCharsets.UTF_8)));
        Path out = dir.resolve("later-scrubbed.parquet");
        TcprecRun r = run(
                "scrub",
                later.toString(),
                "-o",
                out.toString(),
                "--key-file",
                key("k", "a key of more than sixteen bytes").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("dropped what this version cannot vouch for: site, columns rack"), r.err());
        byte[] bytes = everything(out);
        for (String secret : List.of("secret-rack-label-9", "secret-dc-name-7")) {
            assertFalse(contains(bytes, secret.getBytes(StandardCharsets.UTF_8)), secret);
        }
        TraceMetadata.Scrub scrub = TraceFooter.read(out).metadata().scrub();
        assertEquals(List.of("site"), scrub.droppedMetadata());
        assertEquals(List.of("rack"), scrub.droppedColumns());
        assertFalse(TraceFooter.read(out).columns().contains("rack"));
    }

    /**
     * A trace this version wrote: its documented keys are kept (btf) or written anew from the
     * scrubbed rows (lifetimes), so nothing is said to be dropped, and info on the copy agrees.
     */
    @Test
    void aTraceOfThisVersionLosesNoDocumentedKey() throws Exception {
        Map<String, Object> btf = Map.of(
                "source",
                "/sys/kernel/btf/vmlinux",
                "bytes",
                6_000_000L,
                "sha256",
                "ab".repeat(32),
                "tracepoints",
                Map.of(),
                "structs",
                Map.of("tcp_sock.bytes_acked", Map.of("offset", 1544L, "size", 8L)));
        Path original =
                AnalyzerCommandsTest.brokenLifetimeTrace(dir.resolve("this-version.parquet"), Map.of("btf", btf));
        Path out = dir.resolve("this-version-scrubbed.parquet");
        TcprecRun r = run(
                "scrub",
                original.toString(),
                "-o",
                out.toString(),
                "--key-file",
                key("k", "a key of more than sixteen bytes").toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("dropped"), r.err());
        TraceFooter scrubbed = TraceFooter.read(out);
        assertEquals(
                JsonCodec.tree(JsonCodec.writeCompact(btf)),
                scrubbed.metadataJson().get("btf"));
        assertEquals(List.of(), scrubbed.metadata().scrub().droppedMetadata());
        TcprecRun info = run("info", out.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("broken lifetimes"), info.out());
        assertEquals(
                info.out().lines().filter(l -> l.contains("broken lifetimes")).toList(),
                run("info", original.toString())
                        .out()
                        .lines()
                        .filter(l -> l.contains("broken lifetimes"))
                        .toList());
    }

    @Test
    void anEmptyTraceScrubsToAnEmptyTrace() throws Exception {
        Path empty = dir.resolve("empty.parquet");
        try (org.tcprec.format.TraceWriter w = new org.tcprec.format.TraceWriter(empty)) {
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", 0L), "host", Map.of("hostname", "empty-host")))));
        }
        Path out = dir.resolve("empty-scrubbed.parquet");
        TcprecRun r = run("scrub", empty.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(0, TraceFooter.read(out).rows());
        assertFalse(contains(Files.readAllBytes(out), "empty-host".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keepCommKeepsNames() throws Exception {
        Path scrubbed = scrub("clean", key("k", "a key of more than sixteen bytes"), "--keep-comm");
        List<Map<String, String>> a = rows(SAMPLES.resolve("clean.parquet"));
        List<Map<String, String>> b = rows(scrubbed);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("comm"), b.get(i).get("comm"));
            assertNotEquals(a.get(i).get("laddr"), b.get(i).get("laddr"));
        }
    }

    @Test
    void aRandomKeyIsUsedOnceAndSaidSo() throws Exception {
        Path a = dir.resolve("a.parquet");
        Path b = dir.resolve("b.parquet");
        TcprecRun ra = run("scrub", SAMPLES.resolve("clean.parquet").toString(), "-o", a.toString());
        assertEquals(0, ra.exit(), ra.err());
        assertTrue(ra.err().contains("random and is not stored"), ra.err());
        assertEquals(
                0,
                run("scrub", SAMPLES.resolve("clean.parquet").toString(), "-o", b.toString())
                        .exit());
        assertNotEquals(rows(a).get(0).get("laddr"), rows(b).get(0).get("laddr"));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        String clean = SAMPLES.resolve("clean.parquet").toString();
        Path out = dir.resolve("out.parquet");
        assertFailure(run("scrub", dir.resolve("missing.parquet").toString(), "-o", out.toString()), "no such file");
        Path text = Files.writeString(dir.resolve("x.txt"), "not a trace");
        assertFailure(run("scrub", text.toString(), "-o", out.toString()), "not a tcprec trace");
        assertFalse(Files.exists(out));
        Path existing = Files.writeString(dir.resolve("existing.parquet"), "keep me");
        assertFailure(run("scrub", clean, "-o", existing.toString()), "--force");
        assertEquals("keep me", Files.readString(existing));
        assertEquals(
                0, run("scrub", clean, "-o", existing.toString(), "--force").exit());
        assertEquals(73, TraceFooter.read(existing).rows());
        assertFailure(run("scrub", existing.toString(), "-o", existing.toString(), "--force"), "is the input file");
        assertFailure(
                run(
                        "scrub",
                        clean,
                        "-o",
                        out.toString(),
                        "--key-file",
                        dir.resolve("nokey").toString()),
                "cannot read the key file");
        Path shortKey = Files.writeString(dir.resolve("short.key"), "too short");
        assertFailure(run("scrub", clean, "-o", out.toString(), "--key-file", shortKey.toString()), "at least 16");
        Path unreadable = Files.writeString(dir.resolve("unreadable.key"), "long enough key material here");
        unreadable.toFile().setReadable(false, false);
        if (!Files.isReadable(unreadable)) { // root reads everything
            assertFailure(
                    run("scrub", clean, "-o", out.toString(), "--key-file", unreadable.toString()),
                    "permission denied");
        }
        assertFailure(
                run("scrub", clean, "-o", dir.resolve("no/such/dir/x.parquet").toString()), "does not exist");
        assertUsage(run("scrub", clean), "--output");
        assertFalse(Files.exists(out), "nothing written by a failed scrub");
    }
}
