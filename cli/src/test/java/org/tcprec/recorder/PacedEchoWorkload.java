package org.tcprec.recorder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Echo connections started at a fixed rate, each on its own thread, so that a slow connection
 * (a dropped SYN waits a second) does not slow the rest: the same workload gives the same
 * connection rate however long it runs, and whatever the network does to single connections.
 */
final class PacedEchoWorkload {
    private PacedEchoWorkload() {}

    /** Runs perSecond * seconds connections of {@code bytes} each way; returns how many completed. */
    static int run(TestNetns ns, int perSecond, double seconds, int bytes) throws Exception {
        ServerSocketChannel server = ns.inside(() -> {
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
            // the same port every run, so that --by rport finds the same group in each recording
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), EchoTraffic.FIXED_PORT), 512);
            return s;
        });
        InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
        Future<?> acceptor = ns.submit(() -> {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    ns.submit(() -> echo(c));
                }
            } catch (ClosedChannelException done) {
                return null;
            }
        });
        int total = (int) Math.round(perSecond * seconds);
        List<Future<Long>> clients = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                clients.add(ns.submit(() -> client(address, bytes)));
            }
            int completed = 0;
            for (Future<Long> c : clients) {
                if (c.get(60, TimeUnit.SECONDS) != bytes) {
                    throw new IllegalStateException("an echo came back short");
                }
                completed++;
            }
            return completed;
        } finally {
            server.close();
            acceptor.get(10, TimeUnit.SECONDS);
        }
    }

    private static long client(InetSocketAddress address, int bytes) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.INET)) {
            c.connect(address);
            ByteBuffer out = ByteBuffer.allocate(bytes);
            while (out.hasRemaining()) {
                c.write(out);
            }
            c.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long received = 0;
            for (int n = c.read(in); n >= 0; n = c.read(in)) {
                received += n;
                in.clear();
            }
            return received;
        }
    }

    private static Void echo(SocketChannel c) throws IOException {
        try (c) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (c.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    c.write(buffer);
                }
                buffer.clear();
            }
        }
        return null;
    }
}
