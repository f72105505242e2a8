package org.tcprec.recorder;

/** The recording could not start or could not finish; the message is for the user as it is. */
public final class RecordingException extends Exception {
    public RecordingException(String message) {
        super(message);
    }
}
