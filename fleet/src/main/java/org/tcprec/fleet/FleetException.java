package org.tcprec.fleet;

/** A problem with the user's input, said in one line: the traces named, a query. */
public final class FleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FleetException(String message) {
        super(message);
    }
}
