package org.tcprec.recorder.host;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tcprec.recorder.bpf.KernelFeatures;
import org.tcprec.recorder.wire.ColumnSources;
import org.tcprec.recorder.wire.EventType;

/**
 * A kernel's TCP and socket tracepoints as tcprec sees them: each one's fields, whether tcprec
 * records it, which trace column each field fills, and what this kernel lacks that tcprec would
 * read. Built from tracepoint format texts, those of the running kernel's tracefs ({@code tcprec
 * list}) or those stored in a trace's footer (the kernel compatibility table).
 */
public record TracepointCatalog(String kernel, List<Tracepoint> tracepoints, List<Lack> lacks) {
    /** The categories listed: tcprec records tracepoints of these two. */
    public static final List<String> CATEGORIES = List.of("sock", "tcp");

    public record Tracepoint(String name, boolean recorded, List<Field> fields, List<Column> columns) {}

    /** A tracepoint field and the trace columns it fills (none when tcprec does not read it). */
    public record Field(String name, String type, int offset, int size, boolean signed, List<String> columns) {}

    /**
     * A trace column of a recorded tracepoint: the fields it comes from on this kernel, or its
     * other source; {@code nullHere} when this kernel has none of its fields and it has no other source.
     */
    public record Column(String column, List<String> fields, String other, boolean nullHere) {}

    /** Something tcprec would read that this kernel does not have, and what follows. */
    public record Lack(String what, String effect) {}

    /**
     * The catalog of a kernel from its tracepoints' format texts (by "category:name"), and the
     * BPF features it lacks.
     */
    public static TracepointCatalog of(
            String kernel, Map<String, String> formats, Collection<KernelFeatures.Feature> missingFeatures) {
        List<Tracepoint> tracepoints = new ArrayList<>();
        List<Lack> lacks = new ArrayList<>();
        for (EventType t : EventType.values()) {
            if (!formats.containsKey(t.qualifiedName())) {
                lacks.add(new Lack(t.qualifiedName(), "no such tracepoint: its events are not recorded"));
            }
        }
        for (Map.Entry<String, String> e : formats.entrySet()) {
            TracepointFormat format = TracepointFormat.parse(e.getKey(), e.getValue());
            Optional<EventType> type = EventType.byName(e.getKey());
            Map<String, List<String>> columnsOf = new LinkedHashMap<>();
            List<Column> columns = new ArrayList<>();
            if (type.isPresent()) {
                for (ColumnSources.Source s : ColumnSources.of(type.get())) {
                    List<String> present =
                            s.fields().stream().filter(format::has).toList();
                    present.forEach(f ->
                            columnsOf.computeIfAbsent(f, k -> new ArrayList<>()).add(s.column()));
                    boolean absent = s.fromTracepoint() && present.isEmpty();
                    columns.add(new Column(
                            s.column(),
                            present,
                            absent || !s.fromTracepoint() ? s.other() : null,
                            absent && s.other() == null));
                    if (absent) {
                        String fields = String.join(" or ", s.fields());
                        lacks.add(new Lack(
                                e.getKey() + " field " + fields,
                                !s.optional()
                                        ? "tcprec reads it: the BPF programs do not load on this kernel"
                                        : s.other() == null
                                                ? "column " + s.column() + " is null on its events"
                                                : "column " + s.column() + " comes from " + s.other()));
                    }
                }
            }
            List<Field> fields = format.fields().stream()
                    .map(f -> new Field(
                            f.name(),
                            f.type(),
                            f.offset(),
                            f.size(),
                            f.signed(),
                            List.copyOf(columnsOf.getOrDefault(f.name(), List.of()))))
                    .toList();
            tracepoints.add(new Tracepoint(e.getKey(), type.isPresent(), fields, columns));
        }
        for (KernelFeatures.Feature f : missingFeatures) {
            lacks.add(new Lack(
                    f.description() + " (Linux " + f.since() + ")",
                    (f.required() ? "tcprec cannot record here: " : "") + f.withoutIt()));
        }
        return new TracepointCatalog(kernel, List.copyOf(tracepoints), List.copyOf(lacks));
    }

    /** The running kernel's sock: and tcp: tracepoints, sorted by name, from tracefs. */
    public static Map<String, String> formats(TraceFs traceFs) {
        Map<String, String> formats = new LinkedHashMap<>();
        for (String category : CATEGORIES) {
            for (String name : traceFs.tracepoints(category)) {
                traceFs.format(category, name).ifPresent(text -> formats.put(category + ":" + name, text));
            }
        }
        return formats;
    }
}
