package org.tcprec.recorder.journal;

/**
 * The crash journal a recording appends to while it runs, beside the final trace. It is the
 * recording's only copy until the trace is written at stop, so after a kill or power loss
 * `tcprec recover` rebuilds the trace from it.
 *
 * <pre>
 * file   = "TCPRECJ1" u32:wire_record_size u32:0  chunk*
 * chunk  = u32:kind u32:payload_length u32:crc32c(payload) u32:0  payload
 * kinds  = START (metadata JSON at start), EVENTS (n wire records), COUNTERS (cumulative BPF
 *          counters, JSON, about once a second), STOP (metadata JSON at stop)
 * </pre>
 * A reader skips a chunk that fails its checksum and goes on at the next valid one (so a flipped
 * bit costs one chunk); what follows the last valid chunk is a torn tail, which loses at most
 * the data written since the last flush.
 */
public final class Journal {
    static final byte[] MAGIC = {'T', 'C', 'P', 'R', 'E', 'C', 'J', '1'};
    static final int FILE_HEADER = 16;
    static final int CHUNK_HEADER = 16;
    /** Upper bound on one chunk, so a corrupt length cannot make a reader allocate gigabytes. */
    static final int MAX_CHUNK = 64 << 20;

    public enum Kind {
        START(1), EVENTS(2), COUNTERS(3), STOP(4);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    private Journal() {}
}
