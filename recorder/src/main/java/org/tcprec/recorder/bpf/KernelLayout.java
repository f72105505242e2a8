package org.tcprec.recorder.bpf;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.format.metadata.TraceMetadata.Btf;
import org.tcprec.format.metadata.TraceMetadata.FieldLayout;
import org.tcprec.format.metadata.TraceMetadata.StructLayout;

/**
 * The layouts that libbpf relocates the programs' reads against, as the running kernel's BTF
 * describes them: for each tracepoint the {@code trace_event_raw_*} struct of its event class, and
 * the socket fields read beside it. Stored in the trace so that a reader elsewhere can see which
 * layout the events were read with (tcp_retransmit_skb had its own class only from 6.4 on,
 * tcp_send_reset three layouts), without that kernel at hand.
 */
public final class KernelLayout {
    static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");

    /**
     * Per tracepoint, the structs the BPF program may read it as, in the order bpf/ tries them: the
     * first one this kernel's BTF has is the layout used.
     */
    static final Map<String, List<String>> TRACEPOINT_STRUCTS = Map.of(
            "sock:inet_sock_set_state", List.of("trace_event_raw_inet_sock_set_state"),
            "tcp:tcp_destroy_sock", List.of("trace_event_raw_tcp_event_sk"),
            "tcp:tcp_receive_reset", List.of("trace_event_raw_tcp_event_sk"),
            "tcp:tcp_probe", List.of("trace_event_raw_tcp_probe"),
            "tcp:tcp_retransmit_skb", List.of("trace_event_raw_tcp_retransmit_skb", "trace_event_raw_tcp_event_sk_skb"),
            "tcp:tcp_retransmit_synack", List.of("trace_event_raw_tcp_retransmit_synack"),
            "tcp:tcp_send_reset", List.of("trace_event_raw_tcp_send_reset", "trace_event_raw_tcp_event_sk_skb"));

    /** Kernel structs the programs read fields of directly, and which fields. */
    static final Map<String, List<String>> SOCKET_FIELDS = Map.of(
            "tcp_sock", List.of("bytes_acked", "bytes_received"),
            "sock_common", List.of("skc_net", "skc_dport", "skc_num"));

    private KernelLayout() {}

    /** The kernel's BTF, its size and digest, and the layouts the programs were relocated against; or why not. */
    public static Btf describe(Iterable<String> tracepoints) {
        LibBpf bpf = BpfObject.libbpf();
        String source = VMLINUX_BTF.toString();
        long bytes;
        String sha256;
        try {
            bytes = Files.size(VMLINUX_BTF);
            sha256 = sha256(VMLINUX_BTF);
        } catch (IOException e) {
            return new Btf(source, null, null, null, null, "cannot read " + VMLINUX_BTF + ": " + e.getMessage(), null);
        }
        Pointer btf = bpf.btf__load_vmlinux_btf();
        if (btf == null) {
            return new Btf(source, bytes, sha256, null, null, "libbpf could not load the kernel's BTF", null);
        }
        try {
            Map<String, StructLayout> byTracepoint = new LinkedHashMap<>();
            for (String tp : tracepoints) {
                for (String struct : TRACEPOINT_STRUCTS.getOrDefault(tp, List.of())) {
                    StructLayout layout = struct(bpf, btf, struct, null);
                    if (layout != null) {
                        byTracepoint.put(tp, layout);
                        break;
                    }
                }
            }
            Map<String, StructLayout> structs = new LinkedHashMap<>();
            for (String struct : List.of("tcp_sock", "sock_common")) {
                StructLayout layout = struct(bpf, btf, struct, SOCKET_FIELDS.get(struct));
                if (layout != null) {
                    structs.put(struct, layout);
                }
            }
            return new Btf(source, bytes, sha256, byTracepoint, structs, null, null);
        } finally {
            bpf.btf__free(btf);
        }
    }

    /** True when the kernel's BTF has the struct with that member; false when either is missing. */
    public static boolean structHasMember(String struct, String member) {
        LibBpf bpf = BpfObject.libbpf();
        Pointer btf = bpf.btf__load_vmlinux_btf();
        if (btf == null) {
            return false;
        }
        try {
            StructLayout layout = struct(bpf, btf, struct, List.of(member));
            return layout != null && layout.fields().containsKey(member);
        } finally {
            bpf.btf__free(btf);
        }
    }

    /** {struct, size, fields: {name: {offset, size}}} in bytes, or null when the kernel has no such struct. */
    private static StructLayout struct(LibBpf bpf, Pointer btf, String name, List<String> only) {
        int id = bpf.btf__find_by_name_kind(btf, name, LibBpf.BTF_KIND_STRUCT);
        if (id <= 0) {
            return null;
        }
        Pointer type = bpf.btf__type_by_id(btf, id);
        Map<String, FieldLayout> fields = new LinkedHashMap<>();
        members(bpf, btf, type, 0, only, fields);
        return new StructLayout(name, (long) type.getInt(8), fields, null);
    }

    /** Members of a struct or union, with anonymous inner structs and unions flattened as C sees them. */
    private static void members(
            LibBpf bpf, Pointer btf, Pointer type, long baseBits, List<String> only, Map<String, FieldLayout> into) {
        int info = type.getInt(4);
        int vlen = info & 0xffff;
        boolean kindFlag = (info >>> 31) != 0;
        for (int i = 0; i < vlen; i++) {
            // struct btf_type is 12 bytes; each struct btf_member after it is {name_off, type, offset}.
            long m = 12L + 12L * i;
            String name = bpf.btf__name_by_offset(btf, type.getInt(m));
            int memberType = type.getInt(m + 4);
            int offset = type.getInt(m + 8);
            long bits = baseBits + (kindFlag ? offset & 0xffffff : Integer.toUnsignedLong(offset));
            if (name == null || name.isEmpty()) {
                Pointer inner = resolved(bpf, btf, memberType);
                int kind = (inner.getInt(4) >>> 24) & 0x1f;
                if (kind == LibBpf.BTF_KIND_STRUCT || kind == LibBpf.BTF_KIND_UNION) {
                    members(bpf, btf, inner, bits, only, into);
                }
                continue;
            }
            if (only != null && !only.contains(name)) {
                continue;
            }
            into.put(name, new FieldLayout(bits / 8, bpf.btf__resolve_size(btf, memberType), null));
        }
    }

    /** Follows typedefs and qualifiers (BTF kinds 8..11) to the type they name. */
    private static Pointer resolved(LibBpf bpf, Pointer btf, int id) {
        Pointer t = bpf.btf__type_by_id(btf, id);
        int kind = (t.getInt(4) >>> 24) & 0x1f;
        while (kind >= 8 && kind <= 11) {
            t = bpf.btf__type_by_id(btf, t.getInt(8));
            kind = (t.getInt(4) >>> 24) & 0x1f;
        }
        return t;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
