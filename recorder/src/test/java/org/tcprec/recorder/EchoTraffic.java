package org.tcprec.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Traffic whose every byte the test knows: echo connections where the client sends a known
 * amount, reads it all back and closes first, and the server closes after the client's FIN.
 */
final class EchoTraffic {
    /** One finished echo connection, as the test saw it. */
    record Connection(
            String address,
            int serverPort,
            int clientPort,
            long clientSent,
            long clientReceived,
            long serverSent,
            long serverReceived) {}

    private EchoTraffic() {}

    /**
     * The echo connections among sample-traces/workload.py's lines ("echo ADDRESS server_port=S
     * client_port=C bytes=N": the client sent N bytes and got them back).
     */
    static List<Connection> fromWorkloadLines(List<String> lines) {
        java.util.regex.Pattern echo =
                java.util.regex.Pattern.compile("echo (\\S+) server_port=(\\d+) client_port=(\\d+) bytes=(\\d+)");
        List<Connection> out = new ArrayList<>();
        for (String line : lines) {
            java.util.regex.Matcher m = echo.matcher(line);
            if (m.matches()) {
                long bytes = Long.parseLong(m.group(4));
                out.add(new Connection(
                        m.group(1),
                        Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)),
                        bytes,
                        bytes,
                        bytes,
                        bytes));
            }
        }
        return out;
    }

    /** A server port for tests that must know it before the traffic starts (namespaces are private). */
    static final int FIXED_PORT = 4711;

    /** Runs {@code sizes.length} sequential echo connections to a fresh server on {@code address}. */
    static List<Connection> run(TestNetns ns, String address, long[] sizes) throws Exception {
        return run(ns, address, 0, sizes);
    }

    /** The same with the server on {@code port} (0: any free port). */
    static List<Connection> run(TestNetns ns, String address, int port, long[] sizes) throws Exception {
        return ns.inside(() -> {
            InetAddress host = InetAddress.getByName(address);
            // Explicit families: Java's default sockets are dual-stack IPv6 ones, which would turn
            // IPv4 traffic into AF_INET6 events with v4-mapped addresses.
            ProtocolFamily family =
                    host instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            List<Connection> done = new ArrayList<>();
            try (ServerSocketChannel server = ServerSocketChannel.open(family)) {
                server.bind(new InetSocketAddress(host, port));
                int serverPort = ((InetSocketAddress) server.getLocalAddress()).getPort();
                for (long size : sizes) {
                    Future<long[]> serverSide = ns.submit(() -> serveOne(server));
                    try (SocketChannel client = SocketChannel.open(family)) {
                        client.connect(new InetSocketAddress(host, serverPort));
                        int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
                        long received = exchange(client.socket(), size);
                        client.close();
                        long[] s = serverSide.get(60, TimeUnit.SECONDS);
                        done.add(new Connection(address, serverPort, clientPort, size, received, s[0], s[1]));
                    }
                }
            }
            return done;
        });
    }

    private static long exchange(Socket client, long size) throws IOException {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        byte[] chunk = new byte[1000];
        long sent = 0;
        long received = 0;
        byte[] buffer = new byte[65536];
        while (sent < size) {
            int n = (int) Math.min(chunk.length, size - sent);
            out.write(chunk, 0, n);
            sent += n;
            // Read back as we go so neither side's buffers fill.
            while (received < sent - 64_000) {
                int r = in.read(buffer);
                if (r < 0) {
                    throw new IOException("server closed early");
                }
                received += r;
            }
        }
        while (received < size) {
            int r = in.read(buffer);
            if (r < 0) {
                throw new IOException("server closed early");
            }
            received += r;
        }
        return received;
    }

    /** Echoes until the client's FIN, then closes: {sent, received}. */
    private static long[] serveOne(ServerSocketChannel server) throws IOException {
        try (SocketChannel channel = server.accept()) {
            Socket s = channel.socket();
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                total += n;
            }
            return new long[] {total, total};
        }
    }

    /** Connects to a port nobody listens on; the kernel answers the SYN with an RST. Returns that port. */
    static int refusedConnects(TestNetns ns, String address, int count) throws Exception {
        return ns.inside(() -> {
            InetAddress host = InetAddress.getByName(address);
            ProtocolFamily family =
                    host instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            int port;
            try (ServerSocketChannel probe = ServerSocketChannel.open(family)) {
                probe.bind(new InetSocketAddress(host, 0));
                port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            for (int i = 0; i < count; i++) {
                try (SocketChannel s = SocketChannel.open(family)) {
                    s.connect(new InetSocketAddress(host, port));
                    throw new IllegalStateException("port " + port + " unexpectedly accepted a connection");
                } catch (java.net.ConnectException expected) {
                    // refused: what we wanted
                }
            }
            return port;
        });
    }
}
