package org.tcprec.analyzer.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * printf-compatible number formatting. Java's %f rounds the shortest decimal form of a double
 * half-up; C's printf rounds the exact binary value, so 0.125 prints as 0.12 in C and 0.13 in
 * Java. The bcc tools are C and Python (which formats like C), so reports round like C.
 */
public final class CFormat {
    private CFormat() {}

    /** %.Nf */
    public static String fixed(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
