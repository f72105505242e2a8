package org.tcprec.cli.support;

/** A failure the user can act on: printed as one line "tcprec: message", exit code 1. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
