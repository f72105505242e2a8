package org.tcprec.recorder.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcprec.format.concurrent.ThreadEnd;

/**
 * A BPF object file opened with libbpf: set the read-only globals and map sizes, choose the
 * programs, load, attach. Closing detaches everything and frees the kernel objects.
 */
public final class BpfObject implements AutoCloseable {
    private static final LibBpf BPF = LibBpf.load();
    private static final StringBuilder LIBBPF_LOG = new StringBuilder();
    // Held in a field: JNA callbacks must stay reachable while native code may call them.
    private static final LibBpf.PrintFn PRINT = (level, format, vaList) -> {
        byte[] buffer = new byte[4096];
        LibC.INSTANCE.vsnprintf(buffer, new NativeLong(buffer.length), format, vaList);
        synchronized (LIBBPF_LOG) {
            LIBBPF_LOG.append(Native.toString(buffer));
            if (LIBBPF_LOG.length() > 1 << 20) {
                LIBBPF_LOG.delete(0, LIBBPF_LOG.length() - (1 << 19));
            }
        }
        return 0;
    };

    static {
        BPF.libbpf_set_print(PRINT);
    }

    private final Memory image;
    private final Pointer object;
    private final Map<String, Integer> rodataOffsets = new HashMap<>();
    private final List<Pointer> links = new ArrayList<>();
    /** A memory mapping of a map's values. */
    private record Mapping(Pointer address, long bytes) {}

    /** By map name, unmapped at close. */
    private final Map<String, Mapping> mappings = new HashMap<>();

    private Pointer rodata;
    private long rodataSize;
    private boolean loaded;

    private BpfObject(Memory image, Pointer object) {
        this.image = image;
        this.object = object;
    }

    /** Opens an object file held in memory (tcprec embeds its object as a class-path resource). */
    public static BpfObject open(byte[] elf) throws BpfException {
        Memory image = new Memory(elf.length);
        image.write(0, elf, 0, elf.length);
        clearLog();
        Pointer object = BPF.bpf_object__open_mem(image, new NativeLong(elf.length), null);
        if (object == null) {
            throw new BpfException("libbpf could not open the BPF object: " + errno() + lastLogLine());
        }
        BpfObject result = new BpfObject(image, object);
        result.indexRodata();
        return result;
    }

    static LibBpf libbpf() {
        return BPF;
    }

    public static int possibleCpus() {
        return BPF.libbpf_num_possible_cpus();
    }

    private void indexRodata() throws BpfException {
        for (Pointer map = BPF.bpf_object__next_map(object, null);
                map != null;
                map = BPF.bpf_object__next_map(object, map)) {
            if (BPF.bpf_map__name(map).endsWith(".rodata")) {
                rodata = map;
            }
        }
        if (rodata == null) {
            return;
        }
        NativeLongByReference size = new NativeLongByReference();
        Pointer data = BPF.bpf_map__initial_value(rodata, size);
        rodataSize = size.getValue().longValue();
        Pointer btf = BPF.bpf_object__btf(object);
        int section = BPF.btf__find_by_name_kind(btf, ".rodata", LibBpf.BTF_KIND_DATASEC);
        if (data == null || section < 0) {
            throw new BpfException("the BPF object has no BTF for its .rodata section");
        }
        // struct btf_type { u32 name_off; u32 info; u32 size; } then vlen x struct btf_var_secinfo
        // { u32 type; u32 offset; u32 size; }; vlen is the low 16 bits of info (linux/btf.h).
        Pointer type = BPF.btf__type_by_id(btf, section);
        int vlen = type.getInt(4) & 0xffff;
        for (int i = 0; i < vlen; i++) {
            long base = 12 + 12L * i;
            int varType = type.getInt(base);
            int offset = type.getInt(base + 4);
            Pointer var = BPF.btf__type_by_id(btf, varType);
            rodataOffsets.put(BPF.btf__name_by_offset(btf, var.getInt(0)), offset);
        }
    }

    private Pointer rodataSlot(String name, int bytes) throws BpfException {
        if (loaded) {
            throw new IllegalStateException("globals are read-only once the object is loaded");
        }
        Integer offset = rodataOffsets.get(name);
        if (offset == null || offset + bytes > rodataSize) {
            throw new BpfException("the BPF object has no read-only global '" + name + "'");
        }
        NativeLongByReference size = new NativeLongByReference();
        return BPF.bpf_map__initial_value(rodata, size).share(offset);
    }

    public void setU64(String name, long value) throws BpfException {
        rodataSlot(name, 8).setLong(0, value);
    }

    public void setU32(String name, int value) throws BpfException {
        rodataSlot(name, 4).setInt(0, value);
    }

    public void setU16(String name, int value) throws BpfException {
        rodataSlot(name, 2).setShort(0, (short) value);
    }

    public void setU16Array(String name, int[] values) throws BpfException {
        Pointer slot = rodataSlot(name, 2 * values.length);
        for (int i = 0; i < values.length; i++) {
            slot.setShort(2L * i, (short) values[i]);
        }
    }

    public void setMapSize(String map, int maxEntries) throws BpfException {
        int rc = BPF.bpf_map__set_max_entries(findMap(map), maxEntries);
        if (rc != 0) {
            throw new BpfException("cannot size BPF map " + map + " to " + maxEntries + ": " + strerror(-rc));
        }
    }

    public void setAutoload(String program, boolean autoload) throws BpfException {
        int rc = BPF.bpf_program__set_autoload(findProgram(program), autoload);
        if (rc != 0) {
            throw new BpfException("cannot change autoload of " + program + ": " + strerror(-rc));
        }
    }

    public void load() throws BpfException {
        clearLog();
        int rc = BPF.bpf_object__load(object);
        if (rc != 0) {
            throw new BpfException("the kernel refused the BPF programs: " + strerror(-rc) + lastLogLine());
        }
        loaded = true;
    }

    public void attach(String program) throws BpfException {
        clearLog();
        Pointer link = BPF.bpf_program__attach(findProgram(program));
        if (link == null) {
            throw new BpfException("cannot attach " + program + ": " + errno() + lastLogLine());
        }
        links.add(link);
    }

    // Offsets in the uapi struct bpf_prog_info; recursion_misses exists since kernel 5.12.
    private static final int PROG_INFO_ID = 4;
    private static final int PROG_INFO_RUN_CNT = 200;
    private static final int PROG_INFO_RECURSION_MISSES = 208;
    private static final int PROG_INFO_SIZE = 232;

    /**
     * What the kernel counts for one loaded program (run_cnt only while kernel.bpf_stats_enabled);
     * recursionMisses is null on kernels whose bpf_prog_info has no such counter (before 5.12).
     */
    public record ProgramStats(int id, long runCount, Long recursionMisses) {}

    /** The kernel's counters of a loaded program; null when it is not loaded. */
    public ProgramStats programStats(String program) throws BpfException {
        int fd = BPF.bpf_program__fd(findProgram(program));
        if (fd < 0) {
            return null;
        }
        try (Memory info = new Memory(PROG_INFO_SIZE)) {
            info.clear();
            com.sun.jna.ptr.IntByReference length = new com.sun.jna.ptr.IntByReference(PROG_INFO_SIZE);
            if (BPF.bpf_obj_get_info_by_fd(fd, info, length) != 0) {
                throw new BpfException("cannot read the kernel's information on " + program + ": " + errno());
            }
            boolean hasMisses = length.getValue() >= PROG_INFO_RECURSION_MISSES + Long.BYTES;
            return new ProgramStats(
                    info.getInt(PROG_INFO_ID),
                    info.getLong(PROG_INFO_RUN_CNT),
                    hasMisses ? Long.valueOf(info.getLong(PROG_INFO_RECURSION_MISSES)) : null);
        }
    }

    /**
     * How often the kernel skipped this program because another BPF program was already running
     * on that CPU: a tracepoint that fires in a softirq interrupting a BPF program does not run
     * its own. Those events never reach the program, so its own counters cannot see them; the
     * kernel counts them per program. 0 for a program that is not loaded; empty when the kernel
     * does not count them (before 5.12).
     */
    public java.util.OptionalLong recursionMisses(String program) throws BpfException {
        ProgramStats stats = programStats(program);
        if (stats == null) {
            return java.util.OptionalLong.of(0);
        }
        return stats.recursionMisses() == null
                ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(stats.recursionMisses());
    }

    /**
     * Detaches every attached program; the maps stay readable until {@link #close()}. Each link
     * is destroyed on a thread of its own: the kernel waits for a grace period before a detach
     * returns, and waits that overlap let a recording stop sooner than waits one after another.
     */
    public void detachAll() {
        List<Thread> detaching = new ArrayList<>();
        for (Pointer link : links) {
            Thread t = new Thread(() -> BPF.bpf_link__destroy(link), "tcprec-detach");
            t.start();
            detaching.add(t);
        }
        // every program must be detached before the ring is drained for the last time
        detaching.forEach(ThreadEnd::await);
        links.clear();
    }

    public int mapFd(String map) throws BpfException {
        int fd = BPF.bpf_map__fd(findMap(map));
        if (fd < 0) {
            throw new BpfException("BPF map " + map + " has no file descriptor (not loaded?)");
        }
        return fd;
    }

    /**
     * The values of a loaded BPF_F_MMAPABLE array map, read-only, mapped on first use and valid
     * until {@link #close()}. Reading them makes no system call, so it cannot keep the kernel from
     * running tracing programs the way a map lookup does while it is in the kernel.
     */
    public Pointer mappedValues(String map, long bytes) throws BpfException {
        Mapping mapping = mappings.get(map);
        if (mapping != null) {
            if (mapping.bytes() < bytes) {
                throw new BpfException("BPF map " + map + " is mapped with fewer than " + bytes + " bytes");
            }
            return mapping.address();
        }
        Pointer mapped = LibC.INSTANCE.mmap(
                null, new NativeLong(bytes), LibC.PROT_READ, LibC.MAP_SHARED, mapFd(map), new NativeLong(0));
        if (LibC.MAP_FAILED.equals(mapped)) {
            throw new BpfException("cannot map the values of BPF map " + map + ": " + errno());
        }
        mappings.put(map, new Mapping(mapped, bytes));
        return mapped;
    }

    private Pointer findMap(String name) throws BpfException {
        Pointer map = BPF.bpf_object__find_map_by_name(object, name);
        if (map == null) {
            throw new BpfException("the BPF object has no map '" + name + "'");
        }
        return map;
    }

    private Pointer findProgram(String name) throws BpfException {
        Pointer program = BPF.bpf_object__find_program_by_name(object, name);
        if (program == null) {
            throw new BpfException("the BPF object has no program '" + name + "'");
        }
        return program;
    }

    @Override
    public void close() {
        detachAll();
        for (Mapping m : mappings.values()) {
            LibC.INSTANCE.munmap(m.address(), new NativeLong(m.bytes()));
        }
        mappings.clear();
        BPF.bpf_object__close(object);
        image.close();
    }

    private static String errno() {
        return strerror(Native.getLastError());
    }

    static String strerror(int errno) {
        return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }

    private static void clearLog() {
        synchronized (LIBBPF_LOG) {
            LIBBPF_LOG.setLength(0);
        }
    }

    /** The last libbpf line that names a failure, often the verifier's reason. */
    private static String lastLogLine() {
        String log;
        synchronized (LIBBPF_LOG) {
            log = LIBBPF_LOG.toString();
        }
        String[] lines = log.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (!line.isEmpty() && (line.contains("failed") || line.contains("error") || line.contains("invalid"))) {
                return "; libbpf: " + line;
            }
        }
        return "";
    }
}
