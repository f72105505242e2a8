package org.tcprec.analyzer.diff;

/**
 * What a metric is: its name (as --fail-on spells it), its unit, and for time metrics how many
 * nanoseconds one unit is, so thresholds in ms or us convert.
 */
record MetricSpec(String name, String unit, double nanosPerUnit, String description) {
    boolean isTime() {
        return nanosPerUnit > 0;
    }

    static MetricSpec time(String name, String unit, String description) {
        double ns = switch (unit) {
            case "ms" -> 1e6;
            case "us" -> 1e3;
            default -> throw new IllegalArgumentException(unit);
        };
        return new MetricSpec(name, unit, ns, description);
    }

    static MetricSpec plain(String name, String unit, String description) {
        return new MetricSpec(name, unit, 0, description);
    }
}
