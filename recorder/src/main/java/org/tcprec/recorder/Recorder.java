package org.tcprec.recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceWriter;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.recorder.bpf.BpfException;
import org.tcprec.recorder.bpf.BpfObject;
import org.tcprec.recorder.bpf.KernelFeatures;
import org.tcprec.recorder.bpf.RingBufferReader;
import org.tcprec.recorder.host.Capabilities;
import org.tcprec.recorder.host.ClockSample;
import org.tcprec.recorder.host.HostFacts;
import org.tcprec.recorder.journal.Journal;
import org.tcprec.recorder.journal.JournalLock;
import org.tcprec.recorder.journal.JournalWriter;
import org.tcprec.recorder.wire.WireEvent;

/**
 * One recording: loads the BPF programs, writes the trace while the recording runs, and puts it
 * in place at stop.
 *
 * <p>Three threads: the {@link RingConsumer} copies records out of the ring into batches; the
 * {@link TraceStream} journals them, sorts them and writes the trace's row groups; the caller's
 * thread waits for the duration or a stop request and draws the {@link StatusLine}. At stop only
 * the last row group and the footer are left to write.
 */
public final class Recorder {
    private static final int BATCH_RECORDS = 4096;
    private static final int BATCHES = 16;

    /** What a finished recording reports; peakDiskBytes is the most the trace, journal and reserve held at once. */
    public record Summary(
            Path output,
            long rows,
            Map<String, Long> rowsByEvent,
            long lost,
            long brokenLifetimes,
            long durationNs,
            long fileBytes,
            List<String> attached,
            List<String> missing,
            String stopReason,
            boolean complete,
            long peakDiskBytes) {}

    private final RecordingConfig config;
    private final PrintStream status;
    private final boolean terminal;
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final AtomicLong consumed = new AtomicLong();
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
        OutputPaths paths = OutputPaths.check(config.output().toAbsolutePath(), config.force());
        Thread jsonLoader = new Thread(JsonCodec::load, "tcprec-json-load");
        jsonLoader.setDaemon(true);
        jsonLoader.start();
        Optional<String> missingCapability = Capabilities.missingForRecording();
        if (missingCapability.isPresent()) {
            throw new RecordingException(missingCapability.get());
        }
        Set<KernelFeatures.Feature> lacking = KernelFeatures.missing();
        Optional<String> refusal =
                KernelFeatures.refusal(HostFacts.host().uname().release(), lacking);
        if (refusal.isPresent()) {
            throw new RecordingException(refusal.get());
        }
        BpfSetup.Tracepoints tracepoints = BpfSetup.tracepoints();
        // in the system's temporary directory: a kill during the warm-up leaves its file where
        // temporary files are cleared, not in the user's directory
        EncoderWarmup warmup = EncoderWarmup.start(Path.of(System.getProperty("java.io.tmpdir")));
        try (BpfObject bpf = BpfObject.open(BpfSetup.bpfObjectBytes())) {
            BpfSetup.load(bpf, config, tracepoints);
            // the warm-up ends before any event can arrive: it would compete with the encoder
            warmup.await();
            List<String> attached = BpfSetup.attach(bpf, tracepoints);
            ClockSample startClock = ClockSample.now();
            TraceMetadata start = RecordingMetadata.atStart(
                    config, startClock, attached, tracepoints.missing(), tracepoints.formats());
            start.other()
                    .put(
                            "unknown",
                            JsonCodec.toTree(lacking.stream()
                                    .map(KernelFeatures.Feature::unknownEntry)
                                    .toList()));
            return recordAndFinish(bpf, paths, start, startClock, attached, tracepoints.missing());
        } catch (BpfException e) {
            throw new RecordingException(e.getMessage());
        } finally {
            warmup.await();
        }
    }

    /** The journal (locked, with its START and DATA_FILE) and the trace's file, created before any event is taken. */
    private record CreatedFiles(JournalWriter journal, JournalLock lock, Path dataFile, TraceWriter trace) {}

    private CreatedFiles createFiles(OutputPaths paths, String startJson) throws RecordingException {
        JournalWriter journal;
        try {
            journal = new JournalWriter(paths.journal(), WireEvent.SIZE);
        } catch (IOException e) {
            throw new RecordingException("cannot create the journal " + paths.journal() + ": " + e.getMessage());
        }
        JournalLock lock = null;
        Path dataFile = null;
        TraceWriter trace = null;
        String failed = "the journal " + paths.journal();
        try {
            lock = JournalLock.take(paths.journal());
            journal.append(Journal.Kind.START, startJson);
            failed = "the trace's file beside " + paths.output();
            dataFile = paths.trace().create();
            // Row groups are closed by the stream, each with a checkpoint in the journal (TraceStream);
            // one the writer closed by its own size bound would have none.
            trace = new TraceWriter(dataFile, Long.MAX_VALUE);
            failed = "the journal " + paths.journal();
            journal.append(Journal.Kind.DATA_FILE, dataFile.toString());
            journal.sync();
            return new CreatedFiles(journal, lock, dataFile, trace);
        } catch (IOException e) {
            // e.g. a full disk: leave no journal that holds no recording, which info would
            // send the user to recover and recover would refuse
            try {
                journal.close();
                if (trace != null) {
                    trace.close();
                }
            } catch (IOException ignored) {
                // closing after a failed write; that failure is what gets reported
            }
            if (lock != null) {
                lock.close();
            }
            paths.trace().abandon();
            try {
                Files.deleteIfExists(paths.journal());
            } catch (IOException ignored) {
                // the error below is what the user needs
            }
            throw new RecordingException("cannot create " + failed + ": " + e.getMessage());
        }
    }

    private Summary recordAndFinish(
            BpfObject bpf,
            OutputPaths paths,
            TraceMetadata start,
            ClockSample startClock,
            List<String> attached,
            List<String> missing)
            throws RecordingException {
        String startJson = JsonCodec.write(start);
        CreatedFiles files = createFiles(paths, startJson);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BATCHES);
        BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BATCHES + 1);
        for (int i = 0; i < BATCHES; i++) {
            free.add(ByteBuffer.allocate(BATCH_RECORDS * WireEvent.SIZE));
        }
        long startNs = System.nanoTime();
        TraceStream stream = new TraceStream(
                bpf,
                paths,
                files.dataFile(),
                files.trace(),
                files.journal(),
                files.lock(),
                startJson,
                start,
                startClock,
                free,
                full,
                stopReason::get,
                () -> stoppedAtNs - startNs,
                e -> requestStop(
                        TraceStream.isDiskFull(e)
                                ? "disk full"
                                : e instanceof OutOfMemoryError ? "out of memory" : "write error"));
        try (RingBufferReader ring = new RingBufferReader(bpf.mapFd("events"), config.ringBytes())) {
            Thread consumer = new Thread(
                    new RingConsumer(bpf, ring, free, full, () -> stopReason.get() != null, consumed),
                    "tcprec-ring-consumer");
            Thread writer = new Thread(stream, "tcprec-trace-writer");
            consumer.setDaemon(true);
            writer.setDaemon(true);
            consumer.start();
            writer.start();
            started.countDown();
            waitForStop(startNs, stream, paths.trace().name().toString());
            stoppedAtNs = System.nanoTime();
            joinQuietly(consumer);
            joinQuietly(writer);
        } catch (BpfException e) {
            stream.lock().close();
            throw new RecordingException(e.getMessage());
        }
        try {
            return finish(paths, stream, files.trace(), attached, missing, stoppedAtNs - startNs);
        } finally {
            if (terminal) {
                new StatusLine(status, config.durationNs()).clear();
            }
        }
    }

    private void waitForStop(long startNs, TraceStream stream, String traceName) {
        StatusLine line = new StatusLine(status, config.durationNs());
        long nextStatus = startNs + 1_000_000_000L;
        while (stopReason.get() == null) {
            long now = System.nanoTime();
            if (config.durationNs() > 0 && now - startNs >= config.durationNs()) {
                requestStop("duration");
                break;
            }
            if (terminal && now >= nextStatus) {
                line.draw(
                        now - startNs,
                        consumed.get(),
                        stream.traceBytes.get(),
                        stream.journalBytes.get(),
                        stream.lost.get());
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
        if (terminal) {
            line.finishing(traceName, consumed.get());
        }
    }

    private static void joinQuietly(Thread thread) {
        while (true) {
            try {
                thread.join();
                return;
            } catch (InterruptedException e) {
                // keep waiting: the trace must be complete before the recording returns
            }
        }
    }

    /**
     * Puts the trace in place. After a write error (a full disk) the trace is finished from the
     * journal instead, with what was recorded up to that point.
     */
    @SuppressWarnings("unchecked")
    private Summary finish(
            OutputPaths paths,
            TraceStream stream,
            TraceWriter trace,
            List<String> attached,
            List<String> missing,
            long durationNs)
            throws RecordingException {
        Path output = paths.output();
        try (JournalLock held = stream.lock()) {
            Throwable failure = stream.failure();
            if (failure == null) {
                try {
                    paths.trace().commit(config.owner());
                } catch (IOException e) {
                    throw new RecordingException("could not write " + output + ": " + e.getMessage());
                } catch (UserError e) {
                    // the trace was written, under another name the message gives
                    deleteJournal(paths);
                    throw new RecordingException(e.getMessage());
                }
                deleteJournal(paths);
                Long total = stream.footer().lostEvents() == null
                        ? null
                        : stream.footer().lostEvents().total();
                long lost = total == null ? 0 : total;
                return new Summary(
                        output,
                        stream.rows(),
                        stream.rowsByEvent(),
                        lost,
                        trace.brokenLifetimes(),
                        durationNs,
                        fileSize(output),
                        attached,
                        missing,
                        stopReason.get(),
                        true,
                        stream.peakDiskBytes.get());
            }
            try {
                trace.close();
            } catch (IOException e) {
                // given up already; the journal has what it held
            }
            TraceEncoder.Result result;
            try {
                result = TraceEncoder.encode(paths.journal(), paths.trace(), config.owner());
            } catch (IOException e) {
                throw new RecordingException("could not write " + output + " (" + e.getMessage() + "); the recording "
                        + "is safe in " + paths.journal() + ": run 'tcprec recover " + output + "' once the problem is "
                        + "fixed");
            } catch (UserError e) {
                deleteJournal(paths);
                throw new RecordingException(e.getMessage());
            }
            deleteJournal(paths);
            String what = TraceStream.isDiskFull(failure)
                    ? "the disk is full"
                    : failure instanceof OutOfMemoryError
                            ? "out of memory (the recorder's Java heap, -Xmx, is too small for this event rate)"
                            : failure.getMessage();
            throw new RecordingException("recording stopped early: " + what + "; " + result.rows()
                    + " events up to that point are in " + output);
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private void deleteJournal(OutputPaths paths) {
        try {
            Files.delete(paths.journal());
        } catch (IOException e) {
            status.println("tcprec: warning: could not remove the journal " + paths.journal() + ": " + e.getMessage());
        }
    }
}
