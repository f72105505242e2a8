package org.tcprec.analyzer.trace;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.tcprec.cli.support.UserError;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceFooter;

/**
 * The data of traces, checked against their checksums on a thread of its own while a report
 * reads them: the footers were read with {@link TraceFooter#readDeferringDataCheck}, and the
 * report holds its output until {@link #await} has passed. Checking first and reading after
 * would read every file twice, one after the other.
 */
public final class DataCheck implements AutoCloseable {
    private final FutureTask<Void> task;
    private final Thread thread;

    private DataCheck(List<TraceFooter> footers) {
        this.task = new FutureTask<>(() -> {
            for (TraceFooter footer : footers) {
                TraceChecksums.verifyData(footer);
            }
            return null;
        });
        this.thread = new Thread(task, "tcprec-data-check");
        thread.setDaemon(true);
    }

    /** Starts checking the data of these traces. */
    public static DataCheck start(List<TraceFooter> footers) {
        DataCheck check = new DataCheck(footers);
        check.thread.start();
        return check;
    }

    /** Waits until the data is checked; a damaged trace is a one-line error naming what is damaged. */
    public void await() {
        try {
            task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new UserError(cause instanceof RuntimeException ? String.valueOf(cause) : cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while checking the traces' checksums", e);
        }
    }

    /** Stops the check if the report ended without waiting for it. */
    @Override
    public void close() {
        task.cancel(true);
    }
}
