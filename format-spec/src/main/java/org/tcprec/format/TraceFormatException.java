package org.tcprec.format;

/** A file that cannot be read as a trace; the message is meant for the user as it is. */
public final class TraceFormatException extends Exception {
    public TraceFormatException(String message) {
        super(message);
    }

    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
