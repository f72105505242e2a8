package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tcprec.cli.TcprecRun;
import org.tcprec.format.metadata.JsonCodec;

/**
 * Record known traffic on the real kernel, replay it with tcplife and tcpstates, and find every
 * connection the test made, with its ports, bytes, process, states and a lifespan no longer
 * than the test itself measured around it.
 */
@ExtendWith(NetnsExtension.class)
class RecordReplayRoundTripTest {
    @TempDir
    Path dir;

    static TcprecRun tcprec(String... args) {
        return TcprecRun.of(args);
    }

    @Test
    void everyConnectionTheTestMadeIsReplayed(TestNetns ns) throws Exception {
        Path trace = dir.resolve("roundtrip.parquet");
        List<EchoTraffic.Connection> connections = new ArrayList<>();
        long[] wallNs = new long[2];
        try (BackgroundRecording recording = BackgroundRecording.of(ns, trace)) {
            long before = System.nanoTime();
            connections.addAll(EchoTraffic.run(ns, "127.0.0.1", new long[] {100, 5000, 70_000, 1_000_000}));
            connections.addAll(EchoTraffic.run(ns, "::1", new long[] {300, 40_000}));
            wallNs[0] = System.nanoTime() - before;
            ns.quiesce();
            recording.stop();
        }

        TcprecRun json = tcprec("tcplife", "--json", trace.toString());
        assertEquals(0, json.exit(), json.err());
        List<JsonNode> rows = new ArrayList<>();
        for (String line : json.out().split("\n")) {
            rows.add(JsonCodec.tree(line));
        }
        // each echo connection: a client row and a server row, nothing else
        assertEquals(2 * connections.size(), rows.size(), json.out());
        long pid = ProcessHandle.current().pid();
        for (EchoTraffic.Connection c : connections) {
            JsonNode client = find(rows, c.clientPort(), c.serverPort());
            JsonNode server = find(rows, c.serverPort(), c.clientPort());
            assertEquals(c.address(), client.get("raddr").asText());
            assertEquals(c.clientSent() + 2, number(client, "tx_bytes"), "client TX of " + c);
            assertEquals(c.clientReceived() + 1, number(client, "rx_bytes"), "client RX of " + c);
            assertEquals(c.serverSent() + 1, number(server, "tx_bytes"), "server TX of " + c);
            assertEquals(c.serverReceived() + 1, number(server, "rx_bytes"), "server RX of " + c);
            // the client's connect and the server's close both ran in this JVM
            assertEquals(pid, number(client, "pid"));
            assertEquals(pid, number(server, "pid"));
            long spanUs = number(client, "span_us");
            assertTrue(
                    spanUs > 0 && spanUs * 1000 <= wallNs[0],
                    "lifespan " + spanUs + " us within the test's " + wallNs[0] / 1000 + " us");
        }

        TcprecRun text = tcprec("tcplife", "-w", trace.toString());
        assertEquals(0, text.exit(), text.err());
        for (EchoTraffic.Connection c : connections) {
            String expectedTx = String.format(Locale.ROOT, "%.2f", (c.clientSent() + 2) / 1024.0);
            assertTrue(
                    text.out().lines().anyMatch(l -> l.contains(" " + c.clientPort() + " ") && l.contains(expectedTx)),
                    "tcplife line for client port " + c.clientPort() + " with TX " + expectedTx + ":\n" + text.out());
        }

        TcprecRun states = tcprec("tcpstates", "-s", trace.toString());
        assertEquals(0, states.exit(), states.err());
        for (EchoTraffic.Connection c : connections) {
            // CSV: SKADDR,C-PID,C-COMM,IP,LADDR,LPORT,RADDR,RPORT,OLDSTATE,NEWSTATE,MS. The client's
            // CLOSE -> SYN_SENT happens before its port is bound, so it shows LPORT 0.
            List<String> client = states.out()
                    .lines()
                    .map(l -> l.split(","))
                    .filter(f ->
                            f[5].equals(String.valueOf(c.clientPort())) && f[7].equals(String.valueOf(c.serverPort())))
                    .map(f -> f[8] + ">" + f[9])
                    .toList();
            assertEquals(
                    List.of("SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1", "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>CLOSE"),
                    client,
                    "client transitions of " + c);
        }
    }

    private static JsonNode find(List<JsonNode> rows, int lport, int rport) {
        List<JsonNode> matches = rows.stream()
                .filter(r -> number(r, "lport") == lport && number(r, "rport") == rport)
                .toList();
        assertEquals(1, matches.size(), "one tcplife row for " + lport + " -> " + rport);
        return matches.get(0);
    }

    private static long number(JsonNode row, String key) {
        return row.get(key).longValue();
    }
}
