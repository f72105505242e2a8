package org.tcprec.format.concurrent;

/** Waiting for a thread whose end its caller cannot go on without. */
public final class ThreadEnd {
    private ThreadEnd() {}

    /**
     * Waits until the thread has ended, whatever interrupts the caller meanwhile: an interrupt
     * is kept (the caller's interrupt flag is set again on return), not acted on.
     */
    public static void await(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
