package org.tcprec.analyzer.replay;

import java.util.ArrayList;
import java.util.List;

/** Where each output column comes from, and the columns read from the CLOSE rows (skaddr and life first). */
final class ColumnPlan {
    final Source[] sources;
    final int[] closeIndex;
    final List<String> closeColumns = new ArrayList<>(List.of("skaddr", "life"));
    final boolean owners;

    ColumnPlan(List<String> columns, boolean byOwner) {
        sources = new Source[columns.size()];
        closeIndex = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            sources[i] = Source.of(columns.get(i));
            if (sources[i] == Source.CLOSE_ROW_NUMBER || sources[i] == Source.CLOSE_ROW_TEXT) {
                closeColumns.add(Source.closeRowColumn(columns.get(i)));
                closeIndex[i] = closeColumns.size() - 1;
            }
        }
        owners = byOwner || columns.contains("owner_pid") || columns.contains("owner_comm");
    }

    /** Where an output column's values come from. */
    enum Source {
        CLOSE_ROW_NUMBER,
        CLOSE_ROW_TEXT,
        SKADDR,
        PID,
        COMM,
        OWNER_PID,
        OWNER_COMM,
        FIRST_NS,
        START_NS,
        CLOSE_NS,
        SPAN_US;

        /** The view's column name: computed here, or the state_changes column of the CLOSE row it is taken from. */
        static Source of(String name) {
            return switch (name) {
                case "family", "lport", "rport", "tx_bytes", "rx_bytes", "netns", "cgroup_id" -> CLOSE_ROW_NUMBER;
                case "laddr", "raddr" -> CLOSE_ROW_TEXT;
                case "skaddr" -> SKADDR;
                case "pid" -> PID;
                case "comm" -> COMM;
                case "owner_pid" -> OWNER_PID;
                case "owner_comm" -> OWNER_COMM;
                case "first_ns" -> FIRST_NS;
                case "start_ns" -> START_NS;
                case "close_ns", "event_ns" -> CLOSE_NS;
                case "span_us", "shown_us" -> SPAN_US;
                default -> throw new IllegalArgumentException("the replay does not compute column " + name);
            };
        }

        boolean text() {
            return this == CLOSE_ROW_TEXT || this == COMM || this == OWNER_COMM;
        }

        /** The state_changes column behind a view column taken from the CLOSE row. */
        static String closeRowColumn(String name) {
            return switch (name) {
                case "tx_bytes" -> "bytes_acked";
                case "rx_bytes" -> "bytes_received";
                default -> name;
            };
        }
    }
}
