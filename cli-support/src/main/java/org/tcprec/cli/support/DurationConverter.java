package org.tcprec.cli.support;

import picocli.CommandLine;

/** "60s", "5m", "1h", "250ms", "10us", "500ns", or a bare number of seconds; to nanoseconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parseNanos(value);
    }

    public static long parseNanos(String value) {
        String v = value.trim();
        String[][] units = {
            {"ns", "1"},
            {"us", "1000"},
            {"ms", "1000000"},
            {"s", "1000000000"},
            {"m", "60000000000"},
            {"h", "3600000000000"}
        };
        long multiplier = 1_000_000_000L;
        String number = v;
        // Longest suffixes first, so "ms" is not read as "m" + garbage.
        for (String unit : new String[] {"ns", "us", "ms", "s", "m", "h"}) {
            if (v.endsWith(unit)) {
                number = v.substring(0, v.length() - unit.length());
                for (String[] u : units) {
                    if (u[0].equals(unit)) {
                        multiplier = Long.parseLong(u[1]);
                    }
                }
                break;
            }
        }
        double amount;
        try {
            amount = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (examples: 60s, 5m, 1h, 250ms)");
        }
        if (amount < 0 || Double.isNaN(amount) || Double.isInfinite(amount) || amount * multiplier > Long.MAX_VALUE) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a usable duration");
        }
        return Math.round(amount * multiplier);
    }
}
