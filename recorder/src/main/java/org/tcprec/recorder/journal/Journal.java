package org.tcprec.recorder.journal;

import java.nio.file.Path;

/**
 * The crash journal a recording appends to while it runs, beside the final trace. The trace's
 * file is written as the recording goes, one row group at a time, in a private directory; the
 * journal holds what a kill would otherwise lose: the events not yet in a written row group, and
 * how many groups are written. After a kill or power loss `tcprec recover` finishes the trace
 * from the two. Each time a row group is written the journal is replaced by a new one that starts
 * over with what still matters, so it stays a few MB whatever the recording's length.
 *
 * <pre>
 * file   = "TCPRECJ2" u32:wire_record_size u32:0  chunk*     ("TCPRECJ1": older, read the same)
 * chunk  = u32:kind u32:payload_length u32:crc32c(payload) u32:0  payload
 * kinds  = START (metadata JSON at start), EVENTS (n wire records), EVENTS_ZSTD (n wire records,
 *          zstd-compressed), COUNTERS (cumulative BPF counters, JSON, about once a second),
 *          STOP (metadata JSON at stop), DATA_FILE (UTF-8 path of the trace's file being written),
 *          ROW_GROUP (a RowGroupCheckpoint of that file, in order), WRITER_STATE (u32 n, n bytes
 *          of JSON {rows, events}, then the trace writer's state after the last group),
 *          GROUPS (u64 n: the trace holds the groups of the first n ROW_GROUP chunks of the
 *          groups file, {@link #groupsFileFor})
 * </pre>
 * A row group's checkpoint is appended once, to the groups file beside the trace's file (the
 * same chunks, ROW_GROUP only), and synced before a journal names it with GROUPS: repeating every
 * checkpoint in each new journal made the work of a group close grow with the groups before it.
 * Journals of earlier versions hold their ROW_GROUP chunks themselves and are read as they are.
 * The events of a journal are exactly those in no row group it names.
 * A reader skips a chunk that fails its checksum and goes on at the next valid one (so a flipped
 * bit costs one chunk); what follows the last valid chunk is a torn tail, which loses at most
 * the data written since the last flush.
 */
public final class Journal {
    static final byte[] MAGIC = {'T', 'C', 'P', 'R', 'E', 'C', 'J', '2'};
    static final byte[] MAGIC_1 = {'T', 'C', 'P', 'R', 'E', 'C', 'J', '1'};
    static final int FILE_HEADER = 16;
    static final int CHUNK_HEADER = 16;
    /** Upper bound on one chunk, so a corrupt length cannot make a reader allocate gigabytes. */
    static final int MAX_CHUNK = 64 << 20;

    public enum Kind {
        START(1),
        EVENTS(2),
        COUNTERS(3),
        STOP(4),
        EVENTS_ZSTD(5),
        DATA_FILE(6),
        ROW_GROUP(7),
        WRITER_STATE(8),
        GROUPS(9);

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

    /** The append-only file of row group checkpoints that a recording writing this trace file keeps beside it. */
    public static Path groupsFileFor(Path dataFile) {
        return dataFile.resolveSibling(dataFile.getFileName() + ".groups");
    }
}
