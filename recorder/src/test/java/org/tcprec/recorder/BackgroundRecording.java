package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A recording of one test network namespace, running on a thread of its own while the test makes traffic. */
final class BackgroundRecording implements AutoCloseable {
    private final Recorder recorder;
    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private final Future<Recorder.Summary> running;

    private BackgroundRecording(RecordingConfig config) throws InterruptedException {
        recorder = new Recorder(config, new PrintStream(new ByteArrayOutputStream()), false);
        running = runner.submit(recorder::run);
        assertTrue(recorder.awaitStarted(60, TimeUnit.SECONDS), "recorder did not start");
    }

    /** Records the namespace into {@code trace} with the default sampling and ring, and no other filter. */
    static BackgroundRecording of(TestNetns ns, Path trace) throws InterruptedException {
        return start(config(ns, trace, RecordingConfig.DEFAULT_PROBE_INTERVAL_NS));
    }

    /** A recording of the namespace into {@code trace}, tcp_probe sampled at this interval (0: every one), no other filter. */
    static RecordingConfig config(TestNetns ns, Path trace, long probeIntervalNs) {
        return new RecordingConfig(
                trace,
                false,
                0,
                0,
                0,
                List.of(),
                List.of(),
                ns.inode,
                0,
                probeIntervalNs,
                RecordingConfig.DEFAULT_RING_BYTES,
                List.of("test"));
    }

    static BackgroundRecording start(RecordingConfig config) throws InterruptedException {
        return new BackgroundRecording(config);
    }

    Future<Recorder.Summary> future() {
        return running;
    }

    /** Stops the recording and returns what it reported (throws what it threw). */
    Recorder.Summary stop() throws Exception {
        recorder.requestStop("test done");
        return running.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        recorder.requestStop("test done");
        runner.shutdown();
    }
}
