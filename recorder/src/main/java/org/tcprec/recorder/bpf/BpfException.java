package org.tcprec.recorder.bpf;

/** A BPF operation failed; the message says which and why, for the user. */
public final class BpfException extends Exception {
    public BpfException(String message) {
        super(message);
    }
}
