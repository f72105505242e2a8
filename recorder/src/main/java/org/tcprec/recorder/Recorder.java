package org.tcprec.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.nio.file.OpenOption;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.tcprec.cli.support.BuildInfo;
import org.tcprec.cli.support.OutputFile;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.JournalLocks;
import org.tcprec.format.TraceFooter;
import org.tcprec.format.TraceSchema;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.Clock;
import org.tcprec.format.metadata.TraceMetadata.Clocks;
import org.tcprec.format.metadata.TraceMetadata.Filters;
import org.tcprec.format.metadata.TraceMetadata.ProbeSampling;
import org.tcprec.format.metadata.TraceMetadata.Recording;
import org.tcprec.format.metadata.TraceMetadata.Ring;
import org.tcprec.format.metadata.TraceMetadata.Sampling;
import org.tcprec.format.metadata.TraceMetadata.Tool;
import org.tcprec.format.metadata.TraceMetadata.Tracepoints;
import org.tcprec.recorder.bpf.BpfException;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.bpf.KernelFeatures;
import org.tcprec.recorder.bpf.KernelLayout;
import org.tcprec.recorder.bpf.RingBufferReader;
import org.tcprec.recorder.host.Capabilities;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.host.HostFacts;
import org.tcprec.recorder.host.TraceFs;
import org.tcprec.recorder.journal.Journal;
import org.tcprec.recorder.journal.JournalLock;
import org.tcprec.recorder.journal.JournalWriter;
import org.tcprec.recorder.wire.EventType;
import org.tcprec.recorder.wire.WireEvent;

/**
 * One recording: loads the BPF programs, moves ring-buffer records into the journal while the
 * recording runs, and encodes the trace at stop.
 *
 * <p>Four threads. The consumer copies records out of the ring into batches and does nothing
 * else, so the ring drains at memory speed. The journal writer appends batches to the journal
 * and checkpoints the BPF counters about once a second, and a sync thread then fsyncs the
 * journal while appends go on. The caller's thread waits for the
 * duration or a stop request and draws the status line. Parquet encoding happens once, at stop,
 * off the recording's hot path entirely.
 */
public final class Recorder {
    static final String BPF_OBJECT_RESOURCE = "/org/tcprec/bpf/tcprec.bpf.o";
    /** Gives tcp_probe its socket on kernels whose tracepoint has no skaddr (bpf/probe.bpf.c). */
    static final String PROBE_SOCKET_PROGRAM = "remember_probe_socket";
    private static final int BATCH_RECORDS = 4096;
    private static final int BATCHES = 16;
    private static final long FLUSH_INTERVAL_NS = 200_000_000L;
    private static final long CHECKPOINT_INTERVAL_NS = 1_000_000_000L;
    private static final long RESERVE_BASE_BYTES = 1L << 20;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    /** What a finished recording reports. */
    public record Summary(Path output, long rows, Map<String, Long> rowsByEvent, long lost, long brokenLifetimes,
            long durationNs, long fileBytes, List<String> attached, List<String> missing, String stopReason,
            boolean complete) {}

    private final RecordingConfig config;
    private final PrintStream status;
    private final boolean terminal;
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong journalBytes = new AtomicLong();
    private final AtomicLong lostSoFar = new AtomicLong();
    private volatile Throwable writerFailure;
    private volatile long stoppedAtNs;
    private final CountDownLatch started = new CountDownLatch(1);

    public Recorder(RecordingConfig config, PrintStream status, boolean terminal) {
        this.config = config;
        this.status = status;
        this.terminal = terminal;
    }

    /**
     * Waits until the programs are attached and events flow into the journal, or the recording
     * failed to start. Returns false on timeout.
     */
    public boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        return started.await(timeout, unit);
    }

    /** Asks a running recording to stop (from a signal handler or another thread). */
    public void requestStop(String reason) {
        stopReason.compareAndSet(null, reason);
    }

    public Summary run() throws RecordingException {
        try {
            return record();
        } finally {
            started.countDown();
        }
    }

    private Summary record() throws RecordingException {
        Path output = config.output().toAbsolutePath();
        Path journalPath = TraceFooter.journalFor(output);
        Path reservePath = output.getParent().resolve("." + output.getFileName() + ".tcprec-reserve");
        OutputFile trace = checkOutput(output, journalPath);
        Thread jsonLoader = new Thread(JsonCodec::load, "tcprec-json-load");
        jsonLoader.setDaemon(true);
        jsonLoader.start();
        Optional<String> missingCapability = Capabilities.missingForRecording();
        if (missingCapability.isPresent()) {
            throw new RecordingException(missingCapability.get());
        }
        Set<KernelFeatures.Feature> lacking = KernelFeatures.missing();
        Optional<String> refusal = KernelFeatures.refusal(HostFacts.host().uname().release(), lacking);
        if (refusal.isPresent()) {
            throw new RecordingException(refusal.get());
        }
        TraceFs traceFs;
        try {
            traceFs = TraceFs.mountIfNeeded();
        } catch (IOException e) {
            throw new RecordingException(e.getMessage());
        }
        List<String> attached = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, String> formats = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            var format = traceFs.format(t.category(), t.tracepoint());
            if (format.isPresent()) {
                formats.put(t.qualifiedName(), format.get());
            } else {
                missing.add(t.qualifiedName());
            }
        }
        boolean probeNeedsSocket = probeLacksSocket(formats);
        try (BpfObject bpf = BpfObject.open(bpfObjectBytes())) {
            configure(bpf, missing);
            bpf.setAutoload(PROBE_SOCKET_PROGRAM, probeNeedsSocket);
            bpf.load();
            if (probeNeedsSocket) {
                bpf.attach(PROBE_SOCKET_PROGRAM);
            }
            for (EventType t : EventType.values()) {
                if (!missing.contains(t.qualifiedName())) {
                    bpf.attach(t.programName());
                    attached.add(t.qualifiedName());
                }
            }
            ClockSample startClock = ClockSample.now();
            TraceMetadata startMetadata = startMetadata(startClock, attached, missing, formats);
            startMetadata.other().put("unknown",
                    JsonCodec.toTree(lacking.stream().map(KernelFeatures.Feature::unknownEntry).toList()));
            JournalWriter journal;
            try {
                journal = new JournalWriter(journalPath, WireEvent.SIZE);
            } catch (IOException e) {
                throw new RecordingException("cannot create the journal " + journalPath + ": " + e.getMessage());
            }
            JournalLock lock = null;
            try {
                lock = JournalLock.take(journalPath);
                journal.append(Journal.Kind.START, JsonCodec.write(startMetadata));
                journal.sync();
            } catch (IOException e) {
                // e.g. a full disk: leave no journal that holds no recording, which info would
                // send the user to recover and recover would refuse
                closeQuietly(journal);
                if (lock != null) {
                    lock.close();
                }
                try {
                    Files.deleteIfExists(journalPath);
                } catch (IOException ignored) {
                    // the error below is what the user needs
                }
                throw new RecordingException("cannot create the journal " + journalPath + ": " + e.getMessage());
            }
            try (JournalLock held = lock) {
                return recordAndFinish(bpf, journal, trace, journalPath, reservePath, attached, missing, startClock);
            }
        } catch (BpfException e) {
            throw new RecordingException(e.getMessage());
        }
    }

    private Summary recordAndFinish(BpfObject bpf, JournalWriter journal, OutputFile trace, Path journalPath,
            Path reservePath, List<String> attached, List<String> missing, ClockSample startClock)
            throws RecordingException, BpfException {
        Path output = trace.target();
        long startNs = System.nanoTime();
        try (RingBufferReader ring = new RingBufferReader(bpf.mapFd("events"), config.ringBytes())) {
            recordUntilStopped(bpf, ring, journal, reservePath, startNs, startClock);
        } finally {
            try {
                journal.close();
            } catch (IOException e) {
                writerFailure = writerFailure == null ? e : writerFailure;
            }
        }
        long durationNs = stoppedAtNs - startNs;
        if (terminal) {
            status.printf("\r\033[Ktcprec: writing %s (%,d events)...", output.getFileName(), consumed.get());
        }
        status.flush();
        try {
            return finish(trace, journalPath, reservePath, attached, missing, durationNs);
        } finally {
            if (terminal) {
                status.print("\r\033[K");
                status.flush();
            }
        }
    }

    private static void closeQuietly(JournalWriter journal) {
        try {
            journal.close();
        } catch (IOException e) {
            // closing after a failed write; that failure is what gets reported
        }
    }

    private OutputFile checkOutput(Path output, Path journal) throws RecordingException {
        OutputFile trace;
        try {
            trace = OutputFile.prepare(output, config.force());
        } catch (UserError e) {
            throw new RecordingException(e.getMessage());
        }
        if (Files.exists(journal, LinkOption.NOFOLLOW_LINKS)) {
            OptionalLong recorder = JournalLocks.holder(journal);
            if (recorder.isPresent()) {
                throw new RecordingException(JournalLocks.beingRecorded(output, recorder.getAsLong()));
            }
            throw new RecordingException("an interrupted recording left " + journal + ": run 'tcprec recover "
                    + output + "' first (or delete the journal)");
        }
        return trace;
    }

    /** True when this kernel has tcp_probe but its format has no skaddr field (before 6.x; 6.1 has none). */
    static boolean probeLacksSocket(Map<String, String> formats) {
        String format = formats.get(EventType.TCP_PROBE.qualifiedName());
        return format != null && !format.matches("(?s).*\\bskaddr;.*");
    }

    static byte[] bpfObjectBytes() throws RecordingException {
        try (InputStream in = Recorder.class.getResourceAsStream(BPF_OBJECT_RESOURCE)) {
            if (in == null) {
                throw new RecordingException("the BPF object is missing from tcprec's jar (" + BPF_OBJECT_RESOURCE + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RecordingException("cannot read the embedded BPF object: " + e.getMessage());
        }
    }

    private void configure(BpfObject bpf, List<String> missing) throws BpfException {
        bpf.setMapSize("events", config.ringBytes());
        BpfCounters.size(bpf);
        // Wake the consumer once a quarter of the ring is used; it also polls every 100 ms.
        bpf.setU64("wakeup_bytes", config.ringBytes() / 4);
        bpf.setU64("probe_interval_ns", config.probeIntervalNs());
        bpf.setU32("filter_tgid", config.pid());
        bpf.setU16("filter_family", config.family());
        bpf.setU32("filter_netns", (int) config.netns());
        bpf.setU64("filter_cgroup_id", config.cgroupId());
        bpf.setU32("filter_lport_count", config.localPorts().size());
        bpf.setU16Array("filter_lports", ports(config.localPorts()));
        bpf.setU32("filter_rport_count", config.remotePorts().size());
        bpf.setU16Array("filter_rports", ports(config.remotePorts()));
        for (EventType t : EventType.values()) {
            if (missing.contains(t.qualifiedName())) {
                bpf.setAutoload(t.programName(), false);
            }
        }
    }

    private static int[] ports(List<Integer> ports) {
        int[] out = new int[RecordingConfig.MAX_PORTS];
        for (int i = 0; i < ports.size(); i++) {
            out[i] = ports.get(i);
        }
        return out;
    }

    /** The footer metadata known at start: the counters, the stop and the rows follow. */
    private TraceMetadata startMetadata(ClockSample clock, List<String> attached, List<String> missing,
            Map<String, String> formats) {
        Tool tool = new Tool("tcprec", BuildInfo.version(), System.getProperty("java.version"), null);
        Clock clockInfo = new Clock("CLOCK_BOOTTIME", "bpf_ktime_get_boot_ns() in each BPF program",
                "clocks.start.realtime_ns + (boottime - clocks.start.boottime_ns)",
                clock.realtimeNs() - clock.boottimeNs(), null);
        Recording recording = new Recording(Instant.ofEpochSecond(0, clock.realtimeNs()).toString(),
                config.durationNs() == 0 ? null : config.durationNs(), null, null, null, null);
        HostFacts.Sysctls sysctls = HostFacts.tcpSysctlsFor(config.netns());
        Filters filters = new Filters(config.pid() == 0 ? null : (long) config.pid(),
                config.family() == 0 ? null : config.family() == 2 ? "ipv4" : "ipv6",
                config.localPorts(), config.remotePorts(), config.netns() == 0 ? null : config.netns(),
                config.cgroupId() == 0 ? null : config.cgroupId(), null);
        ProbeSampling probe = config.probeIntervalNs() == 0 ? new ProbeSampling("all", null, null, null)
                : new ProbeSampling("per_socket_interval", config.probeIntervalNs(),
                        "at most one tcp_probe event per socket per interval; skipped events are "
                                + "counted in bpf_counters.sampled_out", null);
        Ring ring = new Ring((long) config.ringBytes(), (long) (config.ringBytes() / 4), (long) WireEvent.SIZE, null);
        return new TraceMetadata(TraceSchema.VERSION, tool, config.commandLine(), HostFacts.host(), clockInfo,
                new Clocks(clock.reading(), null, null), recording,
                new Tracepoints(attached, missing, formats, null), KernelLayout.describe(attached), sysctls.values(),
                sysctls.netns(), filters, new Sampling(probe, null), ring, null, null, null, null, null, null, null,
                null);
    }

    private void recordUntilStopped(BpfObject bpf, RingBufferReader ring, JournalWriter journal, Path reservePath,
            long startNs, ClockSample startClock) {
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BATCHES);
        BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BATCHES + 1);
        for (int i = 0; i < BATCHES; i++) {
            free.add(ByteBuffer.allocate(BATCH_RECORDS * WireEvent.SIZE));
        }
        Thread consumer = new Thread(() -> consume(bpf, ring, free, full), "tcprec-ring-consumer");
        Thread writer = new Thread(() -> writeJournal(bpf, journal, reservePath, free, full, startNs, startClock),
                "tcprec-journal-writer");
        consumer.setDaemon(true);
        writer.setDaemon(true);
        consumer.start();
        writer.start();
        started.countDown();
        long nextStatus = startNs + 1_000_000_000L;
        while (stopReason.get() == null) {
            long now = System.nanoTime();
            if (config.durationNs() > 0 && now - startNs >= config.durationNs()) {
                requestStop("duration");
                break;
            }
            if (terminal && now >= nextStatus) {
                drawStatus(now - startNs);
                nextStatus += 1_000_000_000L;
            }
            long wait = 50;
            if (config.durationNs() > 0) {
                wait = Math.max(1, Math.min(wait, (config.durationNs() - (now - startNs)) / 1_000_000L));
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                requestStop("interrupted");
            }
        }
        stoppedAtNs = System.nanoTime();
        joinQuietly(consumer);
        joinQuietly(writer);
    }

    private static void joinQuietly(Thread thread) {
        while (true) {
            try {
                thread.join();
                return;
            } catch (InterruptedException e) {
                // keep waiting: the journal must be complete before encoding
            }
        }
    }

    private void consume(BpfObject bpf, RingBufferReader ring, BlockingQueue<ByteBuffer> free,
            BlockingQueue<ByteBuffer> full) {
        ByteBuffer[] batch = {take(free)};
        long[] lastFlush = {System.nanoTime()};
        RingBufferReader.Sink sink = (data, offset, length) -> {
            if (length != WireEvent.SIZE) {
                return; // not a record of ours; cannot happen with the embedded object
            }
            if (batch[0].remaining() < length) {
                put(full, batch[0].flip());
                batch[0] = take(free);
                lastFlush[0] = System.nanoTime();
            }
            batch[0].put(batch[0].position(), data, offset, length);
            batch[0].position(batch[0].position() + length);
            consumed.incrementAndGet();
        };
        while (stopReason.get() == null) {
            if (ring.drain(sink) == 0) {
                ring.await(100);
            }
            long now = System.nanoTime();
            if (batch[0].position() > 0 && now - lastFlush[0] >= FLUSH_INTERVAL_NS) {
                put(full, batch[0].flip());
                batch[0] = take(free);
                lastFlush[0] = now;
            }
        }
        // Detach first so nothing new arrives, then take what the ring still holds.
        bpf.detachAll();
        while (ring.drain(sink) > 0) {
            // drain until empty
        }
        if (batch[0].position() > 0) {
            put(full, batch[0].flip());
        }
        put(full, END);
    }

    private static ByteBuffer take(BlockingQueue<ByteBuffer> queue) {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // the consumer never abandons a record it took from the ring
            }
        }
    }

    private static void put(BlockingQueue<ByteBuffer> queue, ByteBuffer buffer) {
        while (true) {
            try {
                queue.put(buffer);
                return;
            } catch (InterruptedException e) {
                // as above
            }
        }
    }

    private void writeJournal(BpfObject bpf, JournalWriter journal, Path reservePath, BlockingQueue<ByteBuffer> free,
            BlockingQueue<ByteBuffer> full, long startNs, ClockSample startClock) {
        long nextCheckpoint = System.nanoTime() + CHECKPOINT_INTERVAL_NS;
        // fsync runs beside the appends: at -e rates a second's journal is tens of MB, and a sync
        // that blocked this thread for a few hundred ms would back up through the batches into
        // the ring, which then drops events
        ExecutorService syncer = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "tcprec-journal-sync");
            t.setDaemon(true);
            return t;
        });
        Future<?> pendingSync = null;
        Reserve reserve = new Reserve(reservePath);
        try {
            reserve.ensure(RESERVE_BASE_BYTES);
        } catch (IOException e) {
            fail(e);
        }
        while (true) {
            ByteBuffer batch;
            try {
                batch = full.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (batch == END) {
                break;
            }
            if (batch != null) {
                if (writerFailure == null) {
                    try {
                        journal.append(Journal.Kind.EVENTS, batch);
                    } catch (IOException e) {
                        fail(e);
                    }
                }
                batch.clear();
                free.add(batch);
            }
            if (System.nanoTime() >= nextCheckpoint && writerFailure == null) {
                nextCheckpoint += CHECKPOINT_INTERVAL_NS;
                try {
                    checkpoint(bpf, journal, Journal.Kind.COUNTERS, TraceMetadata.EMPTY);
                    reserve.ensure(RESERVE_BASE_BYTES + journal.bytes() / 8);
                    if (pendingSync == null || pendingSync.isDone()) {
                        finishSync(pendingSync);
                        pendingSync = syncer.submit(() -> {
                            journal.sync();
                            return null;
                        });
                    }
                } catch (IOException | BpfException e) {
                    fail(e);
                }
            }
            journalBytes.set(journal.bytes());
        }
        try {
            ClockSample stopClock = ClockSample.now();
            long stoppedAt = stoppedAtNs != 0 ? stoppedAtNs : System.nanoTime();
            Recording stop = new Recording(null, null, Instant.ofEpochSecond(0, stopClock.realtimeNs()).toString(),
                    stoppedAt - startNs, stopReason.get(), null);
            reserve.release();
            checkpoint(bpf, journal, Journal.Kind.STOP,
                    TraceMetadata.EMPTY.withStop(new Clocks(null, stopClock.reading(), null), stop));
            finishSync(pendingSync);
            journal.sync();
        } catch (IOException | BpfException e) {
            fail(e);
        } finally {
            syncer.shutdown();
        }
    }

    /** Waits for a background sync and records its failure as the writer's. */
    private void finishSync(Future<?> sync) {
        if (sync == null) {
            return;
        }
        while (true) {
            try {
                sync.get();
                return;
            } catch (InterruptedException e) {
                // the journal must be synced before the recording can end
            } catch (ExecutionException e) {
                fail(e.getCause());
                return;
            }
        }
    }

    private void fail(Throwable e) {
        if (writerFailure == null) {
            writerFailure = e;
        }
        requestStop(isDiskFull(e) ? "disk full" : "write error");
    }

    static boolean isDiskFull(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("No space left on device");
    }

    /**
     * Appends the BPF counters to the journal, as metadata: at stop with the stop clock and the
     * recording's end (clocks.stop; recording.stop, duration_ns, stop_reason).
     */
    private void checkpoint(BpfObject bpf, JournalWriter journal, Journal.Kind kind, TraceMetadata facts)
            throws IOException, BpfException {
        BpfCounters counters = BpfCounters.read(bpf);
        lostSoFar.set(counters.lost());
        journal.append(kind, JsonCodec.writeCompact(facts.withCounters(counters.toMetadata(), counters.lostEvents())));
    }

    private void drawStatus(long elapsedNs) {
        long events = consumed.get();
        double seconds = elapsedNs / 1e9;
        String duration = config.durationNs() > 0 ? String.format(" / %.0fs", config.durationNs() / 1e9) : "";
        status.printf("\r\033[K[%5.0fs%s] %,d events  %,.0f/s  journal %s  lost %,d", seconds, duration, events,
                events / Math.max(seconds, 1e-9), Units.bytes(journalBytes.get()), lostSoFar.get());
        status.flush();
    }

    private Summary finish(OutputFile trace, Path journalPath, Path reservePath, List<String> attached,
            List<String> missing, long durationNs) throws RecordingException {
        Path output = trace.target();
        try {
            Files.deleteIfExists(reservePath);
        } catch (IOException e) {
            // leave it; the next recording overwrites it
        }
        TraceEncoder.Result result;
        try {
            result = TraceEncoder.encode(journalPath, trace, config.owner());
        } catch (IOException e) {
            throw new RecordingException("could not write " + output + " (" + e.getMessage() + "); the recording is "
                    + "safe in " + journalPath + ": run 'tcprec recover " + output + "' once the problem is fixed");
        } catch (UserError e) {
            // the trace was written, under another name the message gives
            deleteJournal(journalPath);
            throw new RecordingException(e.getMessage());
        }
        deleteJournal(journalPath);
        Long total = result.metadata().lostEvents().total();
        long lost = total == null ? 0 : total;
        long fileBytes;
        try {
            fileBytes = Files.size(output);
        } catch (IOException e) {
            fileBytes = -1;
        }
        String reason = stopReason.get();
        if (writerFailure != null) {
            String what = isDiskFull(writerFailure) ? "the disk is full" : writerFailure.getMessage();
            throw new RecordingException("recording stopped early: " + what + "; " + result.rows()
                    + " events up to that point are in " + output);
        }
        return new Summary(output, result.rows(), result.rowsByEvent(), lost, result.brokenLifetimes(), durationNs, fileBytes, attached, missing,
                reason, true);
    }

    private void deleteJournal(Path journalPath) {
        try {
            Files.delete(journalPath);
        } catch (IOException e) {
            status.println("tcprec: warning: could not remove the journal " + journalPath + ": " + e.getMessage());
        }
    }

    /**
     * Disk space held back while recording so that a full disk still leaves room to write the
     * trace: released just before encoding.
     */
    private static final class Reserve {
        private final Path path;
        private FileChannel channel;
        private long size;

        Reserve(Path path) {
            this.path = path;
        }

        void ensure(long bytes) throws IOException {
            if (channel == null) {
                Files.deleteIfExists(path);
                channel = FileChannel.open(path,
                        Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            while (size < bytes) {
                zeros.clear();
                zeros.limit((int) Math.min(zeros.capacity(), bytes - size));
                size += channel.write(zeros, size);
            }
        }

        void release() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            Files.deleteIfExists(path);
        }
    }
}
