package org.tcprec.cli.support;

/**
 * Standard output went away while a command was still printing (`tcprec tcpstates T | head`):
 * the reader has what it wanted, so the command stops without a message, like a pipeline's
 * other programs, and exits 1.
 */
public final class OutputClosed extends RuntimeException {
    public OutputClosed(Throwable cause) {
        super("standard output was closed", cause);
    }
}
