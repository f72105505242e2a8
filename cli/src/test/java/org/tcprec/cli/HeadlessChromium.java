package org.tcprec.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.format.metadata.JsonCodec;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver HTTP API, with nothing but
 * java.net.http: enough to open a page, run a script in it, read the browser's console log and
 * take a screenshot. Chromium and chromedriver come from Debian (packages chromium and
 * chromium-driver; .ci/run installs them).
 */
final class HeadlessChromium implements AutoCloseable {
    /** Without the networking switches Chromium reaches out (updates, sync, QUIC probes) on start. */
    static final List<String> FLAGS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1300,1000");

    private final Process driver;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String session;

    private HeadlessChromium(Process driver, String base, String session) {
        this.driver = driver;
        this.base = base;
        this.session = session;
    }

    static Path executable(String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("none of " + String.join(", ", candidates) + " is installed: "
                + "apt-get install -y chromium chromium-driver (.ci/run does)");
    }

    static HeadlessChromium start(Path profileDir, Path logFile) throws Exception {
        Path chromedriver = executable("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Path chromium = executable("/usr/lib/chromium/chromium", "/usr/bin/chromium");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process driver = new ProcessBuilder(chromedriver.toString(), "--port=" + port, "--log-path=" + logFile)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String base = "http://127.0.0.1:" + port;
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = probe.send(
                        HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"ready\":true")) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !driver.isAlive()) {
                driver.destroyForcibly();
                throw new IllegalStateException("chromedriver did not start; see " + logFile);
            }
            Thread.sleep(100);
        }
        List<String> args = new ArrayList<>(FLAGS);
        args.add("--user-data-dir=" + profileDir.toAbsolutePath());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("binary", chromium.toString());
        options.put("args", args);
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("browserName", "chrome");
        caps.put("goog:chromeOptions", options);
        caps.put("goog:loggingPrefs", Map.of("browser", "ALL"));
        Map<String, Object> body = Map.of("capabilities", Map.of("alwaysMatch", caps));
        try {
            Map<String, Object> created = call(probe, "POST", base + "/session", body);
            @SuppressWarnings("unchecked")
            String id = String.valueOf(((Map<String, Object>) created.get("value")).get("sessionId"));
            return new HeadlessChromium(driver, base, id);
        } catch (RuntimeException e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    void open(Path page) {
        call("POST", "/url", Map.of("url", page.toUri().toString()));
    }

    /** Runs {@code script} (a function body; use return) in the page and gives its result as JSON values. */
    Object execute(String script) {
        return call("POST", "/execute/sync", Map.of("script", script, "args", List.of()))
                .get("value");
    }

    /** The browser console's entries since the last call: {level, message}. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> consoleLog() {
        Object value = call("POST", "/se/log", Map.of("type", "browser")).get("value");
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    /** A PNG of the whole page, not just the window. */
    @SuppressWarnings("unchecked")
    void screenshot(Path file) throws IOException {
        Map<String, Object> params = Map.of("format", "png", "captureBeyondViewport", true);
        Map<String, Object> r =
                call("POST", "/goog/cdp/execute", Map.of("cmd", "Page.captureScreenshot", "params", params));
        String data = String.valueOf(((Map<String, Object>) r.get("value")).get("data"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(data));
    }

    private Map<String, Object> call(String method, String path, Object body) {
        return call(http, method, base + "/session/" + session + path, body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(HttpClient http, String method, String url, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b = body == null
                ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(JsonCodec.writeCompact(body)));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> parsed = (Map<String, Object>) JsonCodec.value(r.body());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(
                        "WebDriver " + method + " " + url + ": " + r.statusCode() + " " + r.body());
            }
            return parsed;
        } catch (IOException e) {
            throw new IllegalStateException("WebDriver " + method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            call(http, "DELETE", base + "/session/" + session, null);
        } catch (RuntimeException e) {
            // the browser is going away either way
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                driver.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
