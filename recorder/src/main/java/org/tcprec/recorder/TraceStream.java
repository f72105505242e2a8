package org.tcprec.recorder;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.tcprec.format.RowGroupCheckpoint;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.concurrent.BackgroundQueue;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.recorder.bpf.BpfException;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.journal.Journal;
import org.tcprec.recorder.journal.JournalLock;
import org.tcprec.recorder.journal.JournalWriter;
import org.tcprec.recorder.wire.WireEvent;

/**
 * The recording's journal thread and, behind it, its encoder. The journal thread appends each
 * batch of records from the ring to the journal (zstd-compressed) at once and hands the compressed
 * batch to the encoder (a {@link BackgroundQueue}), which decompresses it, puts the records in
 * time order and encodes them into the trace's open row group: encoding may fall behind on a busy
 * host, the journal does not, so a kill loses nothing older than the last journal write. Once
 * {@link #GROUP_JOURNAL_BYTES} of events were journaled since the last group, the encoder writes
 * the group to the trace's file and hands back a checkpoint; the journal thread appends it to the
 * groups file beside the trace's file, then replaces the journal by one that names how many groups
 * are written, the encoder's state, the records it still sorts and the batches it has not yet
 * taken. About once a second the journal thread checkpoints the BPF counters, and a sync thread
 * fsyncs the journal while appends go on (a sync that blocked appends would back up into the
 * ring).
 *
 * <p>At the end of the records the last row group is written, then a journal with the stop facts,
 * then the trace's footer; after a write error no more records are taken, and the trace is
 * finished from the journal ({@link TraceEncoder}).
 */
final class TraceStream implements Runnable {
    /**
     * Events journaled since the last row group that close the next one. It bounds the journal,
     * and so the disk a recording uses beyond its trace, to a few MB.
     */
    static final long GROUP_JOURNAL_BYTES = groupJournalBytes();

    private static final long CHECKPOINT_INTERVAL_NS = 1_000_000_000L;

    /**
     * Batches the journal thread may hand ahead of the encoder. They wait compressed, so that
     * seconds of a busy host's events (the encoder falls behind while the JIT compiles its paths,
     * and catches up after) wait here instead of backing up through the batches into the ring,
     * where events would be lost.
     */
    private static final int ENCODER_QUEUE_BATCHES = 128;

    private static final long RESERVE_BASE_BYTES = 1L << 20;
    private static final int ZSTD_LEVEL = 1;

    /**
     * TCPREC_ROW_GROUP_JOURNAL_BYTES lowers the bound, so that tests see a recording of a few
     * seconds write several row groups.
     */
    private static long groupJournalBytes() {
        String set = System.getenv("TCPREC_ROW_GROUP_JOURNAL_BYTES");
        try {
            return set == null ? 4L << 20 : Math.max(4096, Long.parseLong(set));
        } catch (NumberFormatException e) {
            return 4L << 20;
        }
    }

    private final BpfObject bpf;
    private final OutputPaths paths;
    private final Path dataFile;
    private final TraceWriter trace;
    private final String startJson;
    private final TraceMetadata start;
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<ByteBuffer> full;
    private final Supplier<String> stopReason;
    private final Supplier<Long> durationNs;
    private final DiskReserve reserve;
    private final SortingWindow window = new SortingWindow();
    private final RowEncoder rows;
    /** The checkpoints of the groups written, each appended once (see {@link Journal}); opened at the first. */
    private JournalWriter groupsFile;

    private long groups;
    /** Journaled batches the encoder may not have taken yet, by sequence number: a new journal repeats them. */
    private final List<Journaled> retained = new ArrayList<>();

    private final ConcurrentLinkedQueue<Checkpoint> checkpoints = new ConcurrentLinkedQueue<>();
    private long sequence;
    /** The encoder's: journaled bytes of the batches since its last row group, and the last batch taken. */
    private long encodedSinceGroup;

    private long lastEncoded;
    private final ExecutorService syncer;
    private JournalWriter journal;
    private JournalLock lock;
    private Future<?> pendingSync;
    private String lastCounters;
    private long tailBytes;
    private byte[] compressed = new byte[0];
    private TraceMetadata footer;

    /**
     * A batch as the journal holds it (its EVENTS_ZSTD payload): as the encoder takes it, and as a
     * new journal repeats it until its row group is written. The encoder decompresses it, so that
     * a queue of batches waiting for a busy encoder costs a tenth of their records' size, and no
     * copy of the records lives on until it is encoded.
     */
    private record Journaled(long sequence, byte[] compressed) {}

    /**
     * What the encoder hands back after a row group: the group (null when it had no rows), the
     * writer state after it, the records it still sorts, and the last batch it took.
     */
    private record Checkpoint(RowGroupCheckpoint group, byte[] writerState, byte[] held, long lastBatch) {}

    final AtomicLong traceBytes = new AtomicLong();
    final AtomicLong journalBytes = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong peakDiskBytes = new AtomicLong();
    private volatile Throwable failure;
    private final java.util.function.Consumer<Throwable> onFailure;

    TraceStream(
            BpfObject bpf,
            OutputPaths paths,
            Path dataFile,
            TraceWriter trace,
            JournalWriter journal,
            JournalLock lock,
            String startJson,
            TraceMetadata start,
            ClockSample startClock,
            BlockingQueue<ByteBuffer> free,
            BlockingQueue<ByteBuffer> full,
            Supplier<String> stopReason,
            Supplier<Long> durationNs,
            java.util.function.Consumer<Throwable> onFailure) {
        this.bpf = bpf;
        this.paths = paths;
        this.dataFile = dataFile;
        this.trace = trace;
        this.journal = journal;
        this.lock = lock;
        this.startJson = startJson;
        this.start = start;
        this.free = free;
        this.full = full;
        this.stopReason = stopReason;
        this.durationNs = durationNs;
        this.onFailure = onFailure;
        this.reserve = new DiskReserve(paths.reserve());
        this.rows = new RowEncoder(trace, startClock, 0, Map.of());
        this.syncer = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "tcprec-journal-sync");
            t.setDaemon(true);
            return t;
        });
    }

    /** The first write error, or null. */
    Throwable failure() {
        return failure;
    }

    /** The footer metadata of the finished trace (null after a failure). */
    TraceMetadata footer() {
        return footer;
    }

    long rows() {
        return rows.rows();
    }

    Map<String, Long> rowsByEvent() {
        return rows.rowsByEvent();
    }

    /** The journal's lock, held until the trace is in place and the journal gone. */
    JournalLock lock() {
        return lock;
    }

    @Override
    public void run() {
        long nextCheckpoint = System.nanoTime() + CHECKPOINT_INTERVAL_NS;
        try {
            reserve.ensure(RESERVE_BASE_BYTES);
        } catch (IOException e) {
            fail(e);
        }
        try (BackgroundQueue<Journaled> encoder =
                BackgroundQueue.writing("tcprec-trace-encoder", ENCODER_QUEUE_BATCHES, this::encodeOrFail)) {
            journalUntilEnd(encoder, nextCheckpoint);
        }
    }

    private void journalUntilEnd(BackgroundQueue<Journaled> encoder, long firstCheckpoint) {
        long nextCheckpoint = firstCheckpoint;
        while (true) {
            ByteBuffer batch;
            try {
                batch = full.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (batch == RingConsumer.END) {
                break;
            }
            if (batch != null) {
                if (failure == null) {
                    try {
                        journal(batch, encoder);
                    } catch (IOException | RuntimeException | Error e) {
                        // an Error too (out of memory): the loop must go on returning buffers,
                        // or the ring's consumer waits for one forever and the recording never ends
                        fail(e);
                    }
                }
                batch.clear();
                free.add(batch);
            }
            try {
                for (Checkpoint c = checkpoints.poll(); c != null && failure == null; c = checkpoints.poll()) {
                    replaceJournal(c, null);
                }
            } catch (IOException | RuntimeException | Error e) {
                fail(e);
            }
            if (System.nanoTime() >= nextCheckpoint && failure == null) {
                nextCheckpoint += CHECKPOINT_INTERVAL_NS;
                try {
                    checkpointCounters();
                } catch (IOException | BpfException e) {
                    fail(e);
                }
            }
            publishSizes();
        }
        try {
            if (failure == null) {
                encoder.finish();
                for (Checkpoint c = checkpoints.poll(); c != null; c = checkpoints.poll()) {
                    replaceJournal(c, null);
                }
                finish();
            }
        } catch (IOException | BpfException | RuntimeException e) {
            fail(e);
        } finally {
            waitForSync();
            syncer.shutdown();
            reserve.release();
            try {
                journal.close();
                if (groupsFile != null) {
                    groupsFile.close();
                }
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    /** Appends a batch to the journal, then hands it to the encoder. */
    private void journal(ByteBuffer batch, BackgroundQueue<Journaled> encoder) throws IOException {
        ByteBuffer payload = compress(batch.array(), batch.position(), batch.remaining());
        byte[] compressedCopy = new byte[payload.remaining()];
        payload.duplicate().get(compressedCopy);
        journal.append(Journal.Kind.EVENTS_ZSTD, payload);
        Journaled item = new Journaled(++sequence, compressedCopy);
        retained.add(item);
        encoder.put(item);
    }

    /** A failed encoder stops the recording at once, not at the next batch, which may never come. */
    private void encodeOrFail(Journaled batch) throws IOException {
        try {
            encode(batch);
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /** The encoder's work (its own thread): sorts and encodes a batch; closes a row group when enough was journaled. */
    private void encode(Journaled batch) throws IOException {
        window.add(TraceEncoder.decompress(paths.journal(), ByteBuffer.wrap(batch.compressed())));
        window.releaseSettled(rows);
        lastEncoded = batch.sequence();
        encodedSinceGroup += batch.compressed().length;
        if (encodedSinceGroup >= GROUP_JOURNAL_BYTES) {
            checkpoints.add(closeGroup());
            encodedSinceGroup = 0;
        }
    }

    /** Writes the open row group to the trace's file; on the encoder's thread, or on the journal's once the encoder is done. */
    private Checkpoint closeGroup() throws IOException {
        RowGroupCheckpoint group = trace.closeRowGroup();
        return new Checkpoint(group, writerState(), window.heldRecords(), lastEncoded);
    }

    private int compressedLength;

    /** The EVENTS_ZSTD payload for bytes[offset, offset + length): u32 length, then one zstd frame. */
    private ByteBuffer compress(byte[] bytes, int offset, int length) {
        int bound = (int) Zstd.compressBound(length) + 4;
        if (compressed.length < bound) {
            compressed = new byte[bound];
        }
        ByteBuffer.wrap(compressed).order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
        long n = Zstd.compressByteArray(compressed, 4, compressed.length - 4, bytes, offset, length, ZSTD_LEVEL);
        if (Zstd.isError(n)) {
            throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
        }
        compressedLength = (int) n + 4;
        return ByteBuffer.wrap(compressed, 0, compressedLength);
    }

    private void checkpointCounters() throws IOException, BpfException {
        BpfCounters counters = BpfCounters.read(bpf);
        lost.set(counters.lost());
        lastCounters = JsonCodec.writeCompact(RecordingMetadata.counters(counters));
        journal.append(Journal.Kind.COUNTERS, lastCounters);
        reserve.ensure(RESERVE_BASE_BYTES + tailBytes + Math.min(journal.bytes(), GROUP_JOURNAL_BYTES) / 2);
        if (pendingSync == null || pendingSync.isDone()) {
            waitForSync();
            JournalWriter syncing = journal;
            pendingSync = syncer.submit(() -> {
                syncing.sync();
                return null;
            });
        }
    }

    /**
     * Replaces the journal by one naming every row group written, the writer's state after them,
     * the records still being sorted and, at the end, the stop: written and synced under another
     * name, locked, then renamed over the old one, so that a kill at any moment leaves one whole
     * journal, and the lock never lapses.
     */
    private void replaceJournal(Checkpoint checkpoint, String stop) throws IOException {
        if (checkpoint.group() != null) {
            appendGroup(checkpoint.group());
        }
        retained.removeIf(b -> b.sequence() <= checkpoint.lastBatch());
        waitForSync();
        Path next = paths.nextJournal();
        Files.deleteIfExists(next);
        JournalWriter replacement = new JournalWriter(next, WireEvent.SIZE);
        JournalLock replacementLock = null;
        boolean replaced = false;
        try {
            replacement.append(Journal.Kind.START, startJson);
            replacement.append(Journal.Kind.DATA_FILE, dataFile.toString());
            if (groups > 0) {
                replacement.append(
                        Journal.Kind.GROUPS,
                        ByteBuffer.allocate(Long.BYTES)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .putLong(0, groups));
                replacement.append(Journal.Kind.WRITER_STATE, ByteBuffer.wrap(checkpoint.writerState()));
            }
            if (stop != null) {
                replacement.append(Journal.Kind.STOP, stop);
            } else {
                if (lastCounters != null) {
                    replacement.append(Journal.Kind.COUNTERS, lastCounters);
                }
                byte[] held = checkpoint.held();
                if (held.length > 0) {
                    replacement.append(Journal.Kind.EVENTS_ZSTD, compress(held, 0, held.length));
                }
                for (Journaled b : retained) {
                    replacement.append(Journal.Kind.EVENTS_ZSTD, ByteBuffer.wrap(b.compressed()));
                }
            }
            replacement.sync();
            replacementLock = JournalLock.take(next);
            Files.move(next, paths.journal(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(paths.trace().directory());
            replaced = true;
        } finally {
            if (!replaced) {
                replacement.close();
                if (replacementLock != null) {
                    replacementLock.close();
                }
                Files.deleteIfExists(next);
            }
        }
        journal.close();
        lock.close();
        journal = replacement;
        lock = replacementLock;
    }

    /**
     * Appends a group's checkpoint to the groups file and syncs it, before any journal names it:
     * a kill between the two leaves a checkpoint no journal counts, which recover ignores.
     */
    private void appendGroup(RowGroupCheckpoint group) throws IOException {
        if (groupsFile == null) {
            groupsFile = new JournalWriter(Journal.groupsFileFor(dataFile), WireEvent.SIZE);
        }
        groupsFile.append(Journal.Kind.ROW_GROUP, ByteBuffer.wrap(group.toBytes()));
        groupsFile.sync();
        groups++;
        // the trace's footer will hold what the group's tail does: the reserve keeps room for it
        tailBytes += group.tail().length;
    }

    /** WRITER_STATE: u32 n, n bytes of JSON (rows so far, by event), then the trace writer's state. */
    private byte[] writerState() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("rows", rows.rows());
        counts.put("events", new LinkedHashMap<>(rows.rowsByEvent()));
        byte[] json = JsonCodec.writeCompact(counts).getBytes(StandardCharsets.UTF_8);
        byte[] state = trace.state();
        ByteBuffer b = ByteBuffer.allocate(4 + json.length + state.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(json.length).put(json).put(state);
        return b.array();
    }

    /** The last row group, a journal that says the recording stopped, then the trace's footer. */
    private void finish() throws IOException, BpfException {
        window.releaseAll(rows);
        Checkpoint last = closeGroup();
        reserve.release();
        BpfCounters counters = BpfCounters.read(bpf);
        lost.set(counters.lost());
        TraceMetadata stop = RecordingMetadata.atStop(counters, ClockSample.now(), stopReason.get(), durationNs.get());
        replaceJournal(last, JsonCodec.writeCompact(stop));
        footer = RecordingMetadata.footer(start, null, stop, rows.rowsByEvent(), rows.rows(), 0);
        trace.metadata(footer);
        trace.close();
        publishSizes();
    }

    private void publishSizes() {
        long traceNow = trace.fileBytes();
        long journalNow = journal.bytes() + (groupsFile == null ? 0 : groupsFile.bytes());
        traceBytes.set(traceNow);
        journalBytes.set(journalNow);
        peakDiskBytes.accumulateAndGet(traceNow + journalNow + reserve.bytes(), Math::max);
    }

    private void waitForSync() {
        if (pendingSync == null) {
            return;
        }
        while (true) {
            try {
                pendingSync.get();
                break;
            } catch (InterruptedException e) {
                // the journal must be synced before it is replaced or the recording ends
            } catch (ExecutionException e) {
                fail(e.getCause());
                break;
            }
        }
        pendingSync = null;
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
        }
        onFailure.accept(failure);
    }

    static boolean isDiskFull(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("No space left on device");
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename itself has happened
        }
    }
}
