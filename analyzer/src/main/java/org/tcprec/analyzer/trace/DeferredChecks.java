package org.tcprec.analyzer.trace;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceFooter;

/**
 * What a report leaves until after it has started reading traces, done on a thread of its own
 * while it reads them: each trace's metadata bound to its records, and its data checked against
 * its checksums. The footers were read with {@link TraceFooter#readDeferringChecks}, and the
 * report holds its output until {@link #await} has passed. Checking first and reading after
 * would read every file twice, one after the other; binding first would put the object
 * binding's start before the report's.
 */
public final class DeferredChecks implements AutoCloseable {
    private final FutureTask<Void> task;
    private final Thread thread;

    private DeferredChecks(List<TraceFooter> footers) {
        this.task = new FutureTask<>(() -> {
            for (TraceFooter footer : footers) {
                footer.bindMetadata();
            }
            for (TraceFooter footer : footers) {
                TraceChecksums.verifyData(footer);
            }
            return null;
        });
        this.thread = new Thread(task, "tcprec-deferred-checks");
        thread.setDaemon(true);
    }

    /** Starts binding the metadata and checking the data of these traces. */
    public static DeferredChecks start(List<TraceFooter> footers) {
        DeferredChecks checks = new DeferredChecks(footers);
        checks.thread.start();
        return checks;
    }

    /** Whether the checks have ended, passed or not; {@link #await} tells which. */
    public boolean done() {
        return task.isDone();
    }

    /**
     * Waits until the checks have passed; corrupt metadata or damaged data is a one-line error
     * naming what is wrong.
     */
    public void await() {
        try {
            task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new UserError(cause instanceof RuntimeException ? String.valueOf(cause) : cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while checking the traces", e);
        }
    }

    /** Stops the checks if the report ended without waiting for them. */
    @Override
    public void close() {
        task.cancel(true);
    }
}
