package org.tcprec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tcprec.cli.CommandLineErrorsTest.assertFailure;
import static org.tcprec.cli.CommandLineErrorsTest.assertUsage;
import static org.tcprec.cli.CommandLineErrorsTest.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.cli.bench.SyntheticTrace;
import org.tcprec.format.EventRowBuilder;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;

/**
 * tcprec report, checked in a real browser: headless Chromium opens each generated page from
 * file://, the test reads the drawn SVG and tables back out of the DOM and compares them with
 * counts taken from the trace with plain SQL (not through the analyzer's views), requires a
 * console free of errors, and keeps a screenshot of every page in target/report-screenshots/.
 */
class ReportPageTest {
    static final Path SAMPLES = Path.of("..", "sample-traces");
    static final Path SCREENSHOTS = Path.of("target", "report-screenshots");

    static HeadlessChromium browser;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBrowser() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        browser = HeadlessChromium.start(
                Files.createDirectories(dir.resolve("chromium-profile")),
                SCREENSHOTS.resolve("chromedriver.log").toAbsolutePath());
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    static Path report(Path trace, String name, String... extra) {
        Path out = dir.resolve(name + ".html");
        List<String> args = new ArrayList<>(List.of("report", trace.toString(), "-o", out.toString(), "--force"));
        args.addAll(List.of(extra));
        TcprecRun r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    /** Opens the page, checks it rendered without console errors and keeps its screenshot. */
    static void open(Path page, String name) throws Exception {
        browser.consoleLog(); // drop what earlier pages logged
        browser.open(page);
        assertEquals(
                "yes",
                browser.execute("return document.body.getAttribute('data-rendered')"),
                name + ": failed figures " + browser.execute("return JSON.stringify(window.tcprecReport.failed)"));
        List<Map<String, Object>> log = browser.consoleLog();
        List<Map<String, Object>> bad = log.stream()
                .filter(e -> !"INFO".equals(e.get("level")) && !"DEBUG".equals(e.get("level")))
                .toList();
        assertEquals(List.of(), bad, name + ": browser console");
        assertEquals(
                0L,
                number(browser.execute("return performance.getEntriesByType('resource').length")),
                name + ": the page fetched nothing");
        Path png = SCREENSHOTS.resolve(name + ".png");
        browser.screenshot(png);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(
                bytes.length > 20_000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', name + " screenshot");
    }

    static long count(String selector) {
        return number(
                browser.execute("return document.querySelectorAll(" + JsonCodec.writeCompact(selector) + ").length"));
    }

    static long sumOf(String selector, String attribute) {
        return number(browser.execute("var s = 0; document.querySelectorAll(" + JsonCodec.writeCompact(selector)
                + ").forEach(function (e) { s += Number(e.getAttribute(" + JsonCodec.writeCompact(attribute)
                + ")); }); return s;"));
    }

    static long number(Object o) {
        return ((Number) o).longValue();
    }

    /** One number from plain SQL over the Parquet file, without tcprec's views. */
    static long plain(Path trace, String sqlWithFile) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sqlWithFile.replace("FILE", "'" + trace + "'"))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void samplePagesDrawWhatTheTracesHold() throws Exception {
        // connections per trace from each workload (sample-traces/README.md): every echo
        // connection has two ends; the refused connects of retransmits-resets are one each;
        // partial's A and B have two ends each, neither complete; diff-after is 40 echo connections under loss
        Object[][] samples = {
            {"clean", 10, 10}, {"ipv6", 6, 6}, {"retransmits-resets", 9, 9}, {"partial", 4, 0}, {"diff-after", 80, 80}
        };
        for (Object[] sample : samples) {
            String name = (String) sample[0];
            int connections = (Integer) sample[1];
            int complete = (Integer) sample[2];
            Path trace = SAMPLES.resolve(name + ".parquet");
            Path page = report(trace, name);
            open(page, name);
            assertEquals(connections, count("#fig-timeline g.conn"), name + ": a timeline bar per connection");
            assertEquals(connections, count("#table-connections tbody tr"), name + ": a table row per connection");
            assertEquals(
                    complete,
                    sumOf("#hist-lifespan .hist-bar", "data-n"),
                    name + ": lifespans of complete connections");
            assertEquals(
                    plain(
                            trace,
                            "SELECT count(*) FROM (SELECT DISTINCT oldstate, newstate FROM FILE WHERE event = 'inet_sock_set_state')"),
                    count("#fig-states g.edge"),
                    name + ": an arrow per kind of transition");
            assertEquals(
                    plain(trace, "SELECT count(*) FROM FILE WHERE event = 'inet_sock_set_state'"),
                    sumOf("#fig-states g.edge", "data-count"),
                    name + ": every transition counted once");
            assertEquals(
                    plain(trace, "SELECT count(*) FROM FILE WHERE event = 'tcp_retransmit_skb'"),
                    sumOf("#fig-over_time .ot-bar[data-series=retransmits]", "data-n"),
                    name + ": retransmits over time");
            assertEquals(
                    plain(trace, "SELECT count(*) FROM FILE WHERE event = 'tcp_send_reset'"),
                    sumOf("#fig-over_time .ot-bar[data-series=resets_sent]", "data-n"),
                    name + ": RSTs sent over time");
            assertEquals(
                    plain(trace, "SELECT count(*) FROM FILE WHERE event = 'tcp_receive_reset'"),
                    sumOf("#fig-over_time .ot-bar[data-series=resets_received]", "data-n"),
                    name);
            assertEquals(
                    plain(trace, "SELECT count(*) FROM FILE WHERE event = 'tcp_probe' AND srtt_us IS NOT NULL"),
                    sumOf("#hist-srtt .hist-bar", "data-n"),
                    name + ": srtt samples");
            assertEquals(0, count("#cap-notice"), name + ": nothing capped");
            assertEquals(List.of(), geometryProblems(), name + ": the figures' geometry");
            assertTrue(count("details.sql pre") >= 9, name + ": the SQL of each figure");
            String text = String.valueOf(browser.execute("return document.getElementById('fig-context').textContent"));
            assertTrue(
                    text.contains(org.tcprec.format.TraceFooter.read(trace)
                                    .metadataJson()
                                    .at("/host/uname/release")
                                    .asText())
                            && text.contains("lost events")
                            && text.contains("tcp_probe: at most one per socket"),
                    text);
        }
    }

    /**
     * What a reader would see drawn wrong, read from the page's SVG: an arrow of the state diagram
     * that does not end on its target box (or start on its source box); a label cut off by the
     * edge of its figure; a time axis whose labels change unit, or use a unit finer or coarser
     * than its span needs (0.00 µs ... 20000 ms); a connection on the timeline narrower than a
     * few pixels. Empty when none.
     */
    @SuppressWarnings("unchecked")
    static List<String> geometryProblems() {
        return (List<String>) browser.execute("""
                var problems = [];
                function near(p, rect, tolerance) {
                  var x = +rect.getAttribute('x'), y = +rect.getAttribute('y'), w = +rect.getAttribute('width'), h = +rect.getAttribute('height');
                  var inside = p.x >= x - tolerance && p.x <= x + w + tolerance && p.y >= y - tolerance && p.y <= y + h + tolerance;
                  var toBorder = Math.min(Math.abs(p.x - x), Math.abs(p.x - x - w), Math.abs(p.y - y), Math.abs(p.y - y - h));
                  return inside && toBorder <= tolerance;
                }
                document.querySelectorAll('#states-svg g.edge').forEach(function (g) {
                  var path = g.querySelector('path');
                  var from = document.querySelector('#states-svg g.state-node[data-state="' + g.dataset.from + '"] rect');
                  var to = document.querySelector('#states-svg g.state-node[data-state="' + g.dataset.to + '"] rect');
                  var end = path.getPointAtLength(path.getTotalLength()), start = path.getPointAtLength(0);
                  if (!near(end, to, 1.5)) { problems.push('arrow ' + g.dataset.from + ' -> ' + g.dataset.to + ' ends at ' + end.x.toFixed(1) + ',' + end.y.toFixed(1) + ', off its box'); }
                  if (!near(start, from, 1.5)) { problems.push('arrow ' + g.dataset.from + ' -> ' + g.dataset.to + ' starts off its box'); }
                });
                document.querySelectorAll('svg').forEach(function (svg) {
                  var box = svg.getBoundingClientRect();
                  if (box.width === 0) { return; }
                  svg.querySelectorAll('text').forEach(function (t) {
                    var r = t.getBoundingClientRect();
                    if (r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)) {
                      problems.push('label "' + t.textContent + '" of ' + (svg.getAttribute('aria-label') || svg.id) + ' is cut off');
                    }
                  });
                });
                ['#timeline-svg .axis text', '#fig-over_time .axis text.tick'].forEach(function (selector) {
                  var labels = Array.prototype.map.call(document.querySelectorAll(selector), function (t) { return t.textContent; });
                  if (!labels.length) { return; }
                  var units = labels.map(function (l) { return l.split(' ')[1]; });
                  var values = labels.map(function (l) { return Math.abs(parseFloat(l)); });
                  var max = Math.max.apply(null, values);
                  if (units.some(function (u) { return u !== units[0]; })) { problems.push(selector + ': labels in several units: ' + labels.join(', ')); }
                  if (max >= 2000 && units[0] !== 's') { problems.push(selector + ': a unit finer than the span needs: ' + labels.join(', ')); }
                  if (max < 1 && units[0] !== 'µs') { problems.push(selector + ': a unit coarser than the span needs: ' + labels.join(', ')); }
                });
                document.querySelectorAll('#timeline-svg g.conn').forEach(function (g) {
                  var lo = Infinity, hi = -Infinity;
                  g.querySelectorAll('rect').forEach(function (r) {
                    var w = +r.getAttribute('width');
                    if (w > 0) { lo = Math.min(lo, +r.getAttribute('x')); hi = Math.max(hi, +r.getAttribute('x') + w); }
                  });
                  if (hi - lo < 3.9) { problems.push('connection ' + g.dataset.index + ' is ' + (hi - lo).toFixed(2) + ' units wide on the timeline'); }
                });
                return problems;
                """);
    }

    /**
     * The same trace and options give the same bytes, also from two JVMs: the embedded JSON is
     * written in a fixed key order (Map.of's order changes from one JVM to the next).
     */
    @Test
    void twoRunsGiveIdenticalBytes() throws Exception {
        Path trace = SAMPLES.resolve("retransmits-resets.parquet");
        List<byte[]> pages = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("twice-" + i + ".html");
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.tcprec.cli.Main",
                            "report",
                            trace.toString(),
                            "-o",
                            out.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            pages.add(Files.readAllBytes(out));
        }
        assertTrue(java.util.Arrays.equals(pages.get(0), pages.get(1)), "two runs differ");
        assertTrue(
                java.util.Arrays.equals(pages.get(0), Files.readAllBytes(report(trace, "twice-in-process"))),
                "a run in this JVM differs");
    }

    @Test
    void theConsoleCheckSeesAScriptError() throws Exception {
        // the check in open() relies on the browser's log reaching the test: a page that fails must show
        Path broken = Files.writeString(
                dir.resolve("broken.html"),
                "<!DOCTYPE html><html><body><script>console.error('drawn badly'); noSuchFunction();</script></body></html>");
        browser.consoleLog();
        browser.open(broken);
        List<Map<String, Object>> log = browser.consoleLog();
        assertTrue(
                log.stream()
                        .anyMatch(e -> "SEVERE".equals(e.get("level"))
                                && String.valueOf(e.get("message")).contains("drawn badly")),
                log.toString());
        assertTrue(
                log.stream().anyMatch(e -> String.valueOf(e.get("message")).contains("noSuchFunction")),
                log.toString());
    }

    @Test
    void tablesSortAndFilter() throws Exception {
        Path page = report(SAMPLES.resolve("clean.parquet"), "clean-tables");
        open(page, "clean-tables");
        // one echo connection's client port: its two ends
        browser.execute("var f = document.querySelector('#table-connections input.filter'); f.value = '37432';"
                + "f.dispatchEvent(new Event('input')); return 0;");
        assertEquals(2, count("#table-connections tbody tr"));
        browser.execute("var f = document.querySelector('#table-connections input.filter'); f.value = '';"
                + "f.dispatchEvent(new Event('input')); return 0;");
        assertEquals(10, count("#table-connections tbody tr"));
        Object firstTx = browser.execute(
                "var ths = document.querySelectorAll('#table-connections th');"
                        + "var i = Array.prototype.findIndex.call(ths, function (t) { return t.textContent === 'tx_bytes'; });"
                        + "ths[i].click(); return document.querySelector('#table-connections tbody tr').children[i].textContent;");
        // the 250000-byte echo: its client has data + SYN + FIN acked
        assertEquals("250002", firstTx);
        // hovering a bar names its connection (every one in clean.parquet involves the listener's port 43793)
        String tip = String.valueOf(browser.execute("var bars = document.querySelectorAll('#fig-timeline g.conn');"
                + "var g = Array.prototype.find.call(bars, function (b) { var r = b.getBoundingClientRect(); return r.width > 0; });"
                + "var r = g.getBoundingClientRect();"
                + "g.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + 1, clientY: r.top + 1, bubbles: true}));"
                + "var t = document.getElementById('tooltip'); return t.hidden ? 'hidden' : t.textContent;"));
        assertTrue(tip.contains(":43793") && tip.contains("ESTABLISHED") && tip.contains("pid 21757"), tip);
        // the timeline zooms: a 4x zoom-in leaves the bars but narrows the visible span
        String before = String.valueOf(browser.execute(
                "return document.querySelector('#fig-timeline .toolbar .hint:last-child').textContent"));
        browser.execute(
                "var b = document.querySelectorAll('#fig-timeline button'); b[0].click(); b[0].click(); return 0;");
        String after = String.valueOf(browser.execute(
                "return document.querySelector('#fig-timeline .toolbar .hint:last-child').textContent"));
        assertFalse(before.equals(after), before);
        assertEquals(10, count("#fig-timeline g.conn"));
    }

    @Test
    void theSqlShownReproducesEachTable() throws Exception {
        Path trace = SAMPLES.resolve("retransmits-resets.parquet");
        Map<String, Object> data = embeddedData(report(trace, "sql-check"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> figures = (Map<String, Map<String, Object>>) data.get("figures");
        int checked = 0;
        for (String id : List.of(
                "counts",
                "top_remote",
                "top_process",
                "top_local_port",
                "connections",
                "transitions",
                "time_in_state",
                "over_time")) {
            Map<String, Object> fig = figures.get(id);
            TcprecRun r = run("sql", "--json", trace.toString(), String.valueOf(fig.get("sql")));
            assertEquals(0, r.exit(), id + ": " + r.err());
            List<?> columns = (List<?>) fig.get("columns");
            List<?> rows = (List<?>) fig.get("rows");
            List<String> lines = r.out().lines().toList();
            assertEquals(rows.size(), lines.size(), id);
            for (int i = 0; i < rows.size(); i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fromSql = (Map<String, Object>) JsonCodec.value(lines.get(i));
                List<?> row = (List<?>) rows.get(i);
                for (int c = 0; c < columns.size(); c++) {
                    Object a = row.get(c);
                    Object b = fromSql.get(String.valueOf(columns.get(c)));
                    if (a instanceof Number x && b instanceof Number y) {
                        assertEquals(x.doubleValue(), y.doubleValue(), 1e-9, id + " row " + i + " " + columns.get(c));
                    } else {
                        assertEquals(String.valueOf(a), String.valueOf(b), id + " row " + i + " " + columns.get(c));
                    }
                }
            }
            checked++;
        }
        assertEquals(8, checked);
        // the figures drawn from several statements: each statement runs on its own
        for (String id : List.of("lifespan", "connect_latency", "srtt")) {
            String[] statements = String.valueOf(figures.get(id).get("sql")).split(";\n\n");
            assertEquals(2, statements.length, id);
            TcprecRun buckets = run("sql", "--json", trace.toString(), statements[0]);
            assertEquals(0, buckets.exit(), id + ": " + buckets.err());
            assertEquals(
                    ((List<?>) figures.get(id).get("rows")).size(),
                    buckets.out().lines().count(),
                    id);
            TcprecRun stats = run("sql", "--json", trace.toString(), statements[1]);
            assertEquals(0, stats.exit(), id + ": " + stats.err());
        }
        Map<String, Object> timeline = figures.get("timeline");
        TcprecRun bars = run("sql", "--json", trace.toString(), String.valueOf(timeline.get("sql")));
        assertEquals(0, bars.exit(), bars.err());
        assertEquals(((List<?>) timeline.get("bars")).size(), bars.out().lines().count());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> embeddedData(Path page) throws Exception {
        String html = Files.readString(page);
        Matcher m = Pattern.compile(
                        "<script type=\"application/json\" id=\"tcprec-data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertTrue(m.find());
        return (Map<String, Object>) JsonCodec.value(m.group(1));
    }

    /** A one-connection trace whose names try to break out of the page. */
    static Path hostileTrace(Path file, String comm, String hostname) throws Exception {
        long t = 1_795_000_000_000_000_000L;
        long sk = 0xffff888100001000L;
        String[][] states = {
            {"CLOSE", "SYN_SENT"},
            {"SYN_SENT", "ESTABLISHED"},
            {"ESTABLISHED", "FIN_WAIT1"},
            {"FIN_WAIT1", "FIN_WAIT2"},
            {"FIN_WAIT2", "CLOSE"}
        };
        try (TraceWriter w = new TraceWriter(file)) {
            for (int i = 0; i < states.length; i++) {
                w.write(EventRowBuilder.row(t + i * 1_000_000L, "inet_sock_set_state")
                        .task(4242, 4242, comm)
                        .netns(4026531840L)
                        .cgroupId(1L)
                        .skaddr(sk)
                        .family(2)
                        .local("10.1.2.3", 40000)
                        .remote("192.0.2.7", 443)
                        .transition(states[i][0], states[i][1])
                        .bytes((long) i * 100, (long) i * 50)
                        .build());
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("host", Map.of("hostname", hostname, "boot_id", "x", "uname", Map.of("release", "<b>6.1</b>")));
            meta.put("clocks", Map.of("start", Map.of("realtime_ns", t, "boottime_ns", 1L)));
            meta.put("recording", Map.of("duration_ns", 10_000_000L, "start", "</script>", "stop", "<!--"));
            meta.put("lost_events", Map.of("total", 0L));
            meta.put("tracepoints", Map.of("missing", List.of()));
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(meta)));
        }
        return file;
    }

    @Test
    void namesFromTheTraceCannotBreakThePage() throws Exception {
        String comm = "</script><script>window.pwned=1</script><img src=x onerror=window.pwned=2>";
        String hostname = "<img src=x onerror=\"window.pwned=3\">&amp;<!--";
        Path page = report(hostileTrace(dir.resolve("hostile.parquet"), comm, hostname), "hostile");
        String html = Files.readString(page);
        assertFalse(html.contains("</script><script>window.pwned"), "the comm is escaped in the embedded JSON");
        assertFalse(html.contains("<img"), "no markup from the trace");
        assertEquals(2, html.split("</script>", -1).length - 1, "only the page's own two script elements end");
        open(page, "hostile");
        assertEquals(null, browser.execute("return window.pwned === undefined ? null : window.pwned"));
        assertEquals(0, count("img"));
        assertEquals(2, count("script"));
        Object cell =
                browser.execute("return Array.prototype.map.call(document.querySelectorAll('#table-top_process td'),"
                        + " function (td) { return td.textContent; })");
        assertTrue(((List<?>) cell).contains(comm), "the name is shown as text: " + cell);
        String title = String.valueOf(browser.execute("return document.getElementById('subtitle').textContent"));
        assertTrue(title.contains(hostname), title);
        assertEquals(1, count("#fig-timeline g.conn"));
    }

    /** The same connection twice at one address, the second without its SYN_SENT -> ESTABLISHED. */
    @Test
    void aTraceWithABrokenLifetimeSaysSo() throws Exception {
        Path trace = AnalyzerCommandsTest.brokenLifetimeTrace(dir.resolve("broken.parquet"));
        open(report(trace, "broken"), "broken");
        String text = String.valueOf(browser.execute("return document.getElementById('fig-context').textContent"));
        assertTrue(text.contains("broken lifetimes1 socket lifetimes skip states"), text);
    }

    @Test
    void aBigTraceIsCappedAndSaysSo() throws Exception {
        Path trace = dir.resolve("synthetic.parquet");
        SyntheticTrace.main(new String[] {trace.toString(), "60000"});
        // every synthetic connection starts with one move into SYN_SENT or SYN_RECV (many are
        // still open when the trace ends)
        long connections = plain(trace, "SELECT count(*) FROM FILE WHERE newstate IN ('SYN_SENT', 'SYN_RECV')");
        assertTrue(connections > 500, "synthetic connections: " + connections);
        long start = System.nanoTime();
        Path page = report(trace, "synthetic-capped");
        double seconds = (System.nanoTime() - start) / 1e9;
        open(page, "synthetic-capped");
        System.err.printf(
                "report of 60,000 events: %.1f s, %,d bytes; drawn in the browser in %.0f ms%n",
                seconds,
                Files.size(page),
                ((Number) browser.execute("return window.tcprecReport.renderMs")).doubleValue());
        // the default caps
        assertEquals(2000, count("#fig-timeline g.conn"));
        assertEquals(1000, count("#table-connections tbody tr"));
        String notice = String.valueOf(browser.execute("return document.getElementById('cap-notice').textContent"));
        assertTrue(notice.contains("timeline: 2,000 of " + String.format("%,d", connections)), notice);
        assertTrue(notice.contains("Connections: 1,000 of " + String.format("%,d", connections)), notice);
        Path smaller = report(trace, "synthetic-capped-smaller", "--max-connections", "500", "--max-rows", "200");
        open(smaller, "synthetic-capped-smaller");
        assertEquals(500, count("#fig-timeline g.conn"));
        assertEquals(200, count("#table-connections tbody tr"));
    }

    @Test
    void anEmptyTraceGivesAPageThatSaysSo() throws Exception {
        Path empty = dir.resolve("empty.parquet");
        try (TraceWriter w = new TraceWriter(empty)) {
            w.metadata(JsonCodec.metadata(JsonCodec.writeCompact(
                    Map.of("lost_events", Map.of("total", 0L), "tracepoints", Map.of("missing", List.of())))));
        }
        open(report(empty, "empty"), "empty");
        assertEquals(0, count("#fig-timeline g.conn"));
        assertTrue(String.valueOf(browser.execute("return document.getElementById('fig-timeline').textContent"))
                .contains("No connections"));
        assertEquals(0, count("#table-connections tbody tr"));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        String clean = SAMPLES.resolve("clean.parquet").toString();
        Path out = dir.resolve("bad-out.html");
        assertFailure(run("report", dir.resolve("missing.parquet").toString(), "-o", out.toString()), "no such file");
        Path text = Files.writeString(dir.resolve("x.txt"), "not a trace");
        assertFailure(run("report", text.toString(), "-o", out.toString()), "not a tcprec trace");
        Path existing = Files.writeString(dir.resolve("existing.html"), "keep me");
        assertFailure(run("report", clean, "-o", existing.toString()), "--force");
        assertEquals("keep me", Files.readString(existing, StandardCharsets.UTF_8));
        assertFailure(
                run("report", clean, "-o", dir.resolve("no/such/dir/r.html").toString()), "does not exist");
        assertFailure(run("report", clean, "-o", out.toString(), "--max-rows", "0"), "at least 1");
        assertUsage(run("report", clean), "--output");
        assertFalse(Files.exists(out));
        assertNotNull(browser);
    }
}
