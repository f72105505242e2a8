package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TraceFooterVersionTest {
    final Path p = Path.of("x.parquet");

    @Test
    void everyMajorFromTheOldestIsReadAnyMinor() {
        assertDoesNotThrow(() -> TraceFooter.checkVersion(p, "1.0"));
        assertDoesNotThrow(() -> TraceFooter.checkVersion(p, "1.7"));
        assertDoesNotThrow(() -> TraceFooter.checkVersion(p, "2.0"));
        assertDoesNotThrow(() -> TraceFooter.checkVersion(p, "2.9"));
    }

    @Test
    void otherMajorsAreRefusedWithWhatToDo() {
        TraceFormatException newer = assertThrows(TraceFormatException.class, () -> TraceFooter.checkVersion(p, "3.0"));
        assertTrue(newer.getMessage().contains("upgrade tcprec"), newer.getMessage());
        assertThrows(TraceFormatException.class, () -> TraceFooter.checkVersion(p, "0.9"));
        assertThrows(TraceFormatException.class, () -> TraceFooter.checkVersion(p, "x.y"));
    }
}
