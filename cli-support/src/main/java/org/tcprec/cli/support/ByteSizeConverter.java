package org.tcprec.cli.support;

import picocli.CommandLine;

/** "16M", "512K", "1G" (binary units) or a number of bytes. */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toUpperCase();
        long multiplier = 1;
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> multiplier = 1L << 10;
                case 'M' -> multiplier = 1L << 20;
                case 'G' -> multiplier = 1L << 30;
                default -> multiplier = 1;
            }
            if (multiplier != 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0 || n > Long.MAX_VALUE / multiplier) {
                throw new NumberFormatException();
            }
            return n * multiplier;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (examples: 16M, 512K)");
        }
    }
}
