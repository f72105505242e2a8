package org.tcprec.analyzer.scrub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The footer metadata of a scrubbed trace. An allow-list, not a deny-list: keys that
 * format-spec/README.md documents and that say nothing about who recorded where are copied;
 * the identifying ones are replaced; anything unknown (a later format version's key, a tool's
 * own) is dropped, because nothing here can tell whether it is private. Every replaced and
 * dropped key is listed in the result's {@code scrub} record.
 */
final class MetadataScrubber {
    /** Copied unchanged: the recording's shape, clocks and counts, the kernel and its settings. */
    private static final Set<String> KEPT = Set.of("format_version", "tool", "clock", "clocks", "recording",
            "tracepoints", "btf", "sampling", "ring", "events", "rows", "bpf_counters", "lost_events", "recovery",
            "unknown");
    /** Written anew by the trace writer from the scrubbed rows, which keep every socket apart as the original's did. */
    private static final Set<String> DERIVED = Set.of("lifetimes");
    private static final Set<String> HOST_KEPT = Set.of("uname", "cpus", "page_size", "timezone",
            "utc_offset_seconds");
    /** Secrets among the recorded sysctls. */
    private static final Set<String> SECRET_SYSCTLS = Set.of("net.ipv4.tcp_fastopen_key");
    static final String REPLACED = "(scrubbed)";

    private final Pseudonyms pseudonyms;
    private final boolean scrubPorts;
    final List<String> replaced = new ArrayList<>();
    final List<String> dropped = new ArrayList<>();
    /** The scrub record of a trace scrubbed before, if this one was. */
    Object previous;

    MetadataScrubber(Pseudonyms pseudonyms, boolean scrubPorts) {
        this.pseudonyms = pseudonyms;
        this.scrubPorts = scrubPorts;
    }

    Map<String, Object> scrub(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : in.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (KEPT.contains(key)) {
                out.put(key, value);
            } else if (DERIVED.contains(key)) {
                continue;
            } else if (key.equals("host") && value instanceof Map<?, ?> host) {
                out.put(key, host(host));
            } else if (key.equals("command_line")) {
                // Output paths, netns paths and cgroup paths name the host's layout; the options
                // that matter for reading the trace are in `filters` and `sampling` already.
                out.put(key, List.of("tcprec", "record", REPLACED));
                replaced.add(key);
            } else if (key.equals("sysctls") && value instanceof Map<?, ?> sysctls) {
                Map<String, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> s : sysctls.entrySet()) {
                    String name = String.valueOf(s.getKey());
                    if (SECRET_SYSCTLS.contains(name)) {
                        copy.put(name, REPLACED);
                        replaced.add("sysctls." + name);
                    } else {
                        copy.put(name, s.getValue());
                    }
                }
                out.put(key, copy);
            } else if (key.equals("sysctls_netns")) {
                // a namespace inode, or "recorder" with a reason that may name a namespace's path
                if (value instanceof Number || "recorder".equals(value)) {
                    out.put(key, value);
                } else {
                    out.put(key, "recorder " + REPLACED);
                    replaced.add(key);
                }
            } else if (key.equals("filters") && value instanceof Map<?, ?> filters) {
                out.put(key, filters(filters));
            } else if (key.equals("scrub")) {
                // scrubbed before: what was done then stays true of this file
                previous = value;
            } else {
                dropped.add(key);
            }
        }
        return out;
    }

    private Map<String, Object> host(Map<?, ?> host) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : host.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("hostname") && e.getValue() != null) {
                out.put(key, pseudonyms.hostname(String.valueOf(e.getValue())));
                replaced.add("host.hostname");
            } else if (key.equals("boot_id") && e.getValue() != null) {
                out.put(key, pseudonyms.bootId(String.valueOf(e.getValue())));
                replaced.add("host.boot_id");
            } else if (HOST_KEPT.contains(key)) {
                out.put(key, e.getValue());
            } else {
                dropped.add("host." + key);
            }
        }
        return out;
    }

    private Map<String, Object> filters(Map<?, ?> filters) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : filters.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (scrubPorts && (key.equals("local_ports") || key.equals("remote_ports")) && value instanceof List<?> ports) {
                List<Object> mapped = new ArrayList<>();
                for (Object p : ports) {
                    mapped.add(p instanceof Number n ? (Object) (long) pseudonyms.port(n.intValue()) : p);
                }
                out.put(key, mapped);
                if (!ports.isEmpty()) {
                    replaced.add("filters." + key);
                }
            } else {
                out.put(key, value);
            }
        }
        return out;
    }
}
