package org.tcprec.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.concurrent.ThreadEnd;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.wire.EventType;
import org.tcprec.recorder.wire.WireEvent;

/**
 * Runs the encoder's path over made-up records before a recording starts: the sorting window, the
 * wire decoding, the row mapping and the trace writer, row groups and footer included, into a
 * temporary file deleted at once. The JIT compiles that path while this runs. Left to the
 * recording, that compiling took about as much CPU as the encoder itself in a busy host's first
 * seconds, CPU the traced workload then lacks; it also loads the classes, which on a busy host
 * takes seconds.
 */
final class EncoderWarmup {
    /** Records encoded: enough that the hot loops reach the JIT's last tier. */
    static final int RECORDS = 1 << 18;

    private static final int BATCH = 1024;
    private static final int RECORDS_PER_GROUP = 1 << 17;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final long NETNS = 4026531840L;
    private static final byte[] COMM = "tcprec-warmup".getBytes(StandardCharsets.US_ASCII);
    /** The state changes of steps 0, 1 and 3-5 of a lifetime: {oldstate, newstate}. */
    private static final int[][] CHANGES = {{7, 2}, {2, 1}, {}, {1, 4}, {4, 5}, {5, 7}};

    private final Thread thread;

    private EncoderWarmup(Path dir) {
        thread = new Thread(
                () -> {
                    try {
                        run(dir, RECORDS);
                    } catch (IOException | RuntimeException e) {
                        // Only a head start is lost: a disk too full for the warm-up's file is
                        // reported by the recording's own first write, in its words.
                    }
                },
                "tcprec-warmup");
        thread.setDaemon(true);
    }

    /** Starts encoding {@link #RECORDS} made-up records, on a thread of its own, into a temporary file in {@code dir}. */
    static EncoderWarmup start(Path dir) {
        EncoderWarmup warmup = new EncoderWarmup(dir);
        warmup.thread.start();
        return warmup;
    }

    /** Waits for the warm-up to end and its file to be gone, however it ended. */
    void await() {
        ThreadEnd.await(thread);
    }

    static void run(Path dir, int records) throws IOException {
        Path file = Files.createTempFile(
                dir,
                ".tcprec-warmup-",
                ".parquet",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (TraceWriter writer = new TraceWriter(file, Long.MAX_VALUE)) {
            RowEncoder rows = new RowEncoder(writer, ClockSample.now(), 0, Map.of());
            SortingWindow window = new SortingWindow();
            ByteBuffer batch = ByteBuffer.allocate(BATCH * WireEvent.SIZE).order(ByteOrder.nativeOrder());
            for (int i = 0; i < records; ) {
                int n = Math.min(BATCH, records - i);
                batch.clear();
                for (int j = 0; j < n; j++, i++) {
                    record(batch, j * WireEvent.SIZE, i);
                }
                batch.limit(n * WireEvent.SIZE);
                window.add(batch);
                window.releaseSettled(rows);
                if (i % RECORDS_PER_GROUP == 0) {
                    writer.closeRowGroup();
                }
            }
            window.releaseAll(rows);
            writer.metadata(TraceMetadata.EMPTY);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Record i: the i % 8th event of lifetime i / 8, an active open, a probe, an active close, the
     * socket's destruction and a retransmit, on reused socket addresses, a quarter of them IPv6,
     * with every sixteenth record a little out of time order, as records from two CPUs arrive.
     */
    private static void record(ByteBuffer b, int at, int i) {
        int life = i / 8;
        int step = i % 8;
        long ts = 1_000_000_000L + i * 5_000L - (i % 16 == 15 ? 7_000 : 0);
        Arrays.fill(b.array(), at, at + WireEvent.SIZE, (byte) 0);
        EventType type;
        int oldstate = 0;
        int newstate = 0;
        int present = WireEvent.HAS_SKADDR | WireEvent.HAS_SOCK_INFO;
        switch (step) {
            case 2 -> type = EventType.TCP_PROBE;
            case 6 -> type = EventType.TCP_DESTROY_SOCK;
            case 7 -> {
                type = EventType.TCP_RETRANSMIT_SKB;
                oldstate = 1;
            }
            default -> {
                type = EventType.INET_SOCK_SET_STATE;
                oldstate = CHANGES[step][0];
                newstate = CHANGES[step][1];
                present |= WireEvent.HAS_SOCK_BYTES;
            }
        }
        if (type == EventType.TCP_PROBE || type == EventType.TCP_DESTROY_SOCK) {
            present |= WireEvent.HAS_COOKIE;
        }
        int family = life % 4 == 0 ? AF_INET6 : AF_INET;
        b.putLong(at + WireEvent.OFF_TS_BOOT_NS, ts);
        b.putLong(at + WireEvent.OFF_SKADDR, 0xffff888000000000L + (life % 4096) * 2048L);
        b.putLong(at + WireEvent.OFF_SKBADDR, type == EventType.TCP_RETRANSMIT_SKB ? 0xffff889000000000L + i : 0);
        b.putLong(at + WireEvent.OFF_SOCK_COOKIE, 4096L + life);
        b.putLong(at + WireEvent.OFF_CGROUP_ID, 1);
        b.putLong(at + WireEvent.OFF_BYTES_ACKED, step * 1024L);
        b.putLong(at + WireEvent.OFF_BYTES_RECEIVED, step * 1024L);
        b.putInt(at + WireEvent.OFF_NETNS, (int) NETNS);
        b.putInt(at + WireEvent.OFF_TGID, 1000 + life % 7);
        b.putInt(at + WireEvent.OFF_TID, 1000 + life % 7);
        b.putShort(at + WireEvent.OFF_CPU, (short) (life % 2));
        b.put(at + WireEvent.OFF_TYPE, (byte) type.id());
        b.put(at + WireEvent.OFF_PRESENT, (byte) present);
        b.put(at + WireEvent.OFF_COMM, COMM);
        if (family == AF_INET6) {
            b.put(at + WireEvent.OFF_SADDR, (byte) 0xfd);
            b.put(at + WireEvent.OFF_SADDR + 15, (byte) 1);
            b.put(at + WireEvent.OFF_DADDR, (byte) 0xfd);
            b.putShort(at + WireEvent.OFF_DADDR + 14, (short) life);
        } else {
            b.putInt(at + WireEvent.OFF_SADDR, 0x0100007f);
            b.put(at + WireEvent.OFF_DADDR, (byte) 10);
            b.putShort(at + WireEvent.OFF_DADDR + 2, (short) life);
        }
        b.putShort(at + WireEvent.OFF_SPORT, (short) (32768 + life % 28000));
        b.putShort(at + WireEvent.OFF_DPORT, (short) 8080);
        b.putShort(at + WireEvent.OFF_FAMILY, (short) family);
        b.putShort(at + WireEvent.OFF_PROTOCOL, (short) 6);
        b.putInt(at + WireEvent.OFF_OLDSTATE, oldstate);
        b.putInt(at + WireEvent.OFF_NEWSTATE, newstate);
        if (type == EventType.TCP_PROBE) {
            b.putInt(at + WireEvent.OFF_DATA_LEN, 1024);
            b.putInt(at + WireEvent.OFF_SND_NXT, i);
            b.putInt(at + WireEvent.OFF_SND_UNA, i - 1024);
            b.putInt(at + WireEvent.OFF_SND_CWND, 10);
            b.putInt(at + WireEvent.OFF_SSTHRESH, Integer.MAX_VALUE);
            b.putInt(at + WireEvent.OFF_SND_WND, 65535);
            b.putInt(at + WireEvent.OFF_SRTT_US, 50 + life % 100);
            b.putInt(at + WireEvent.OFF_RCV_WND, 65535);
        }
    }
}
