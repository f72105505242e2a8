package org.tcprec.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up goes through the whole encoder path without error and leaves nothing behind. */
class EncoderWarmupTest {
    @TempDir
    Path dir;

    private List<Path> left() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void itsRecordsEncodeAcrossRowGroupsAndItsFileIsGone() throws Exception {
        // more than one row group's worth, and a last batch that is not full
        EncoderWarmup.run(dir, (1 << 17) + 1000);
        assertEquals(List.of(), left());
    }

    @Test
    void aWarmupOnItsThreadIsAwaitedAndLeavesNothing() throws Exception {
        EncoderWarmup.start(dir).await();
        assertEquals(List.of(), left());
    }

    @Test
    void aDirectoryItCannotWriteToOnlyCostsTheHeadStart() throws Exception {
        EncoderWarmup.start(dir.resolve("missing")).await();
        assertEquals(List.of(), left());
    }
}
