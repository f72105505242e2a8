package org.tcprec.format.scan;

/** A trace's pages cannot be decoded: the file is damaged (its footer read fine). */
public final class TraceScanException extends RuntimeException {
    public TraceScanException(String message) {
        super(message);
    }
}
