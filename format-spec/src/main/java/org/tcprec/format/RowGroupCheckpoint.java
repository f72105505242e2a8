package org.tcprec.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a trace being written needs to be finished after a crash, once a row group is in its file:
 * where the group's column chunks start and how long they are, and the rest of the one-group
 * Parquet file they were encoded as (its page indexes and footer, whose offsets count from that
 * file's start). With the data file and every checkpoint so far, {@link TraceWriter#resume}
 * truncates what a kill left half-written and goes on writing.
 */
public record RowGroupCheckpoint(long dataOffset, long dataLength, byte[] tail) {
    /** The end of the group's chunks in the data file: what follows is not yet part of the trace. */
    public long end() {
        return dataOffset + dataLength;
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(16 + tail.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(dataOffset).putLong(dataLength).put(tail);
        return b.array();
    }

    public static RowGroupCheckpoint fromBytes(ByteBuffer bytes) throws IOException {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 16 + 12) {
            throw new IOException("a row group checkpoint of " + b.remaining() + " bytes");
        }
        long offset = b.getLong();
        long length = b.getLong();
        if (offset < 4 || length < 0) {
            throw new IOException("a row group checkpoint at " + offset + " of " + length + " bytes");
        }
        byte[] tail = new byte[b.remaining()];
        b.get(tail);
        return new RowGroupCheckpoint(offset, length, tail);
    }
}
