package org.tcprec.analyzer.scrub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcprec.format.metadata.JsonCodec;
import org.tcprec.format.metadata.TraceMetadata;
import org.tcprec.format.metadata.TraceMetadata.Filters;
import org.tcprec.format.metadata.TraceMetadata.Host;

/**
 * The footer metadata of a scrubbed trace. An allow-list, not a deny-list: keys that
 * format-spec/README.md documents and that say nothing about who recorded where are copied
 * with their whole content (unknown keys inside them included: they describe the recording's
 * shape, not its place); the identifying ones are replaced; a top-level or host key this version
 * does not know (a later format version's, a tool's own) is dropped, because nothing here can
 * tell whether it is private. Every replaced and dropped key is listed in the result's
 * {@code scrub} record. {@code lifetimes} is left to the trace writer, which counts it anew
 * from the scrubbed rows.
 */
final class MetadataScrubber {
    /** Secrets among the recorded sysctls. */
    private static final Set<String> SECRET_SYSCTLS = Set.of("net.ipv4.tcp_fastopen_key");

    static final String REPLACED = "(scrubbed)";

    private final Pseudonyms pseudonyms;
    private final boolean scrubPorts;
    final List<String> replaced = new ArrayList<>();
    final List<String> dropped = new ArrayList<>();
    /** The scrub record of a trace scrubbed before, if this one was. */
    TraceMetadata.Scrub previous;

    MetadataScrubber(Pseudonyms pseudonyms, boolean scrubPorts) {
        this.pseudonyms = pseudonyms;
        this.scrubPorts = scrubPorts;
    }

    TraceMetadata scrub(TraceMetadata in) {
        List<String> commandLine = null;
        if (in.commandLine() != null) {
            // Output paths, netns paths and cgroup paths name the host's layout; the options
            // that matter for reading the trace are in `filters` and `sampling` already.
            commandLine = List.of("tcprec", "record", REPLACED);
            replaced.add("command_line");
        }
        Host host = host(in.host());
        Map<String, String> sysctls = null;
        if (in.sysctls() != null) {
            sysctls = new LinkedHashMap<>();
            for (Map.Entry<String, String> s : in.sysctls().entrySet()) {
                if (SECRET_SYSCTLS.contains(s.getKey())) {
                    sysctls.put(s.getKey(), REPLACED);
                    replaced.add("sysctls." + s.getKey());
                } else {
                    sysctls.put(s.getKey(), s.getValue());
                }
            }
        }
        JsonNode netns = in.sysctlsNetns();
        // a namespace inode, or "recorder" with a reason that may name a namespace's path
        if (netns != null && !netns.isNull() && !netns.isNumber() && !"recorder".equals(netns.textValue())) {
            netns = TextNode.valueOf("recorder " + REPLACED);
            replaced.add("sysctls_netns");
        }
        // scrubbed before: what was done then stays true of this file
        previous = JsonCodec.absent(in.scrub()) ? null : in.scrub();
        dropped.addAll(in.other().keySet());
        return new TraceMetadata(
                in.formatVersion(),
                in.tool(),
                commandLine,
                host,
                in.clock(),
                in.clocks(),
                in.recording(),
                in.tracepoints(),
                in.btf(),
                sysctls,
                netns,
                filters(in.filters()),
                in.sampling(),
                in.ring(),
                in.bpfCounters(),
                in.lostEvents(),
                in.events(),
                in.rows(),
                in.recovery(),
                null,
                null,
                in.unknown(),
                null);
    }

    private Host host(Host host) {
        String hostname = host.hostname();
        if (hostname != null) {
            hostname = pseudonyms.hostname(hostname);
            replaced.add("host.hostname");
        }
        String bootId = host.bootId();
        if (bootId != null) {
            bootId = pseudonyms.bootId(bootId);
            replaced.add("host.boot_id");
        }
        host.other().keySet().forEach(key -> dropped.add("host." + key));
        return host.withIdentity(hostname, bootId);
    }

    private Filters filters(Filters filters) {
        if (!scrubPorts) {
            return filters;
        }
        return new Filters(
                filters.pid(),
                filters.family(),
                ports("local_ports", filters.localPorts()),
                ports("remote_ports", filters.remotePorts()),
                filters.netns(),
                filters.cgroupId(),
                filters.other());
    }

    private List<Integer> ports(String key, List<Integer> ports) {
        if (ports == null) {
            return null;
        }
        List<Integer> mapped = new ArrayList<>();
        for (Integer p : ports) {
            mapped.add(p == null ? null : pseudonyms.port(p));
        }
        if (!ports.isEmpty()) {
            replaced.add("filters." + key);
        }
        return mapped;
    }
}
