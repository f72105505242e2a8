package org.tcprec.recorder.bpf;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;

/**
 * The part of the system's libbpf.so.1 that tcprec calls, bound through JNA. libbpf does the
 * CO-RE relocation against the running kernel's BTF, the map creation and the attachment; the
 * record path (the ring buffer) does not go through here at all (see RingBufferReader).
 */
public interface LibBpf extends Library {
    /** BTF_KIND_DATASEC, from linux/btf.h. */
    int BTF_KIND_DATASEC = 15;
    /** BTF_KIND_STRUCT and BTF_KIND_UNION, from linux/btf.h. */
    int BTF_KIND_STRUCT = 4;

    int BTF_KIND_UNION = 5;

    static LibBpf load() {
        return Native.load("libbpf.so.1", LibBpf.class);
    }

    interface PrintFn extends Callback {
        int invoke(int level, String format, Pointer vaList);
    }

    Pointer libbpf_set_print(PrintFn fn);

    /** BPF_MAP_TYPE_RINGBUF and BPF_PROG_TYPE_TRACEPOINT, from linux/bpf.h. */
    int BPF_MAP_TYPE_RINGBUF = 27;

    int BPF_PROG_TYPE_TRACEPOINT = 5;
    /** BPF_FUNC_ktime_get_boot_ns, from linux/bpf.h. */
    int BPF_FUNC_KTIME_GET_BOOT_NS = 125;

    /** 1 when the kernel supports the map type, 0 when not, a negative errno when it cannot tell. */
    int libbpf_probe_bpf_map_type(int mapType, Pointer opts);

    /** 1 when programs of the type may call the helper, 0 when not, a negative errno when it cannot tell. */
    int libbpf_probe_bpf_helper(int progType, int helperId, Pointer opts);

    int libbpf_num_possible_cpus();

    Pointer bpf_object__open_mem(Pointer buffer, NativeLong size, Pointer opts);

    int bpf_object__load(Pointer object);

    void bpf_object__close(Pointer object);

    Pointer bpf_object__next_map(Pointer object, Pointer previous);

    Pointer bpf_object__find_map_by_name(Pointer object, String name);

    Pointer bpf_object__find_program_by_name(Pointer object, String name);

    Pointer bpf_object__btf(Pointer object);

    String bpf_map__name(Pointer map);

    int bpf_map__set_max_entries(Pointer map, int maxEntries);

    int bpf_map__fd(Pointer map);

    Pointer bpf_map__initial_value(Pointer map, NativeLongByReference size);

    int bpf_program__set_autoload(Pointer program, boolean autoload);

    int bpf_program__fd(Pointer program);

    /** Fills a struct bpf_prog_info (or bpf_map_info...) for the object behind fd. */
    int bpf_obj_get_info_by_fd(int fd, Pointer info, com.sun.jna.ptr.IntByReference infoLength);

    Pointer bpf_program__attach(Pointer program);

    int bpf_link__destroy(Pointer link);

    int btf__find_by_name_kind(Pointer btf, String name, int kind);

    Pointer btf__load_vmlinux_btf();

    void btf__free(Pointer btf);

    long btf__resolve_size(Pointer btf, int typeId);

    Pointer btf__type_by_id(Pointer btf, int id);

    String btf__name_by_offset(Pointer btf, int offset);
}
