package org.tcprec.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.Util;
import org.tcprec.format.TraceChecksums;
import org.tcprec.format.TraceSchema;

/** Valid Parquet files with crafted footers: a trace's pages under metadata a test chooses. */
final class CraftedTraces {
    private CraftedTraces() {}

    /** A copy of the trace whose tcprec.metadata is the given text, without checksums (which it would fail). */
    static Path withMetadata(Path source, Path out, String metadata) throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        int footerStart = bytes.length - 8 - footerLength;
        FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(bytes, footerStart, footerLength));
        List<KeyValue> pairs = new ArrayList<>();
        for (KeyValue pair : footer.getKey_value_metadata()) {
            if (pair.getKey().equals(TraceSchema.METADATA_KEY)) {
                pairs.add(new KeyValue(pair.getKey()).setValue(metadata));
            } else if (!pair.getKey().equals(TraceChecksums.KEY)) {
                pairs.add(pair);
            }
        }
        footer.setKey_value_metadata(pairs);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(bytes, 0, footerStart);
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        Util.writeFileMetaData(footer, encoded);
        encoded.writeTo(file);
        file.write(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(encoded.size())
                .array());
        file.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        Files.write(out, file.toByteArray());
        return out;
    }
}
