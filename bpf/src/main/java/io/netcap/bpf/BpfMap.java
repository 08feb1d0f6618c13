package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;

import jnr.ffi.Pointer;

/**
 * One map of a {@link BpfObject}. Keys and values are raw bytes in the kernel's layout (host byte
 * order). For per-CPU maps a value holds one slot per possible CPU, each
 * {@code round_up(valueSize, 8)} bytes: see {@link #valueBufferSize()}.
 */
public final class BpfMap {
    /** BPF_ANY: create or update. */
    public static final long UPDATE_ANY = 0;
    /** BPF_NOEXIST: create only. */
    public static final long UPDATE_NOEXIST = 1;
    /** BPF_EXIST: update only. */
    public static final long UPDATE_EXIST = 2;

    // enum bpf_map_type values whose lookups return one value per possible CPU.
    private static final int PERCPU_HASH = 5;
    private static final int PERCPU_ARRAY = 6;
    private static final int LRU_PERCPU_HASH = 10;
    private static final int PERCPU_CGROUP_STORAGE = 21;

    private static volatile int possibleCpus;

    private final BpfObject owner;
    private final Pointer handle;
    private final String name;

    BpfMap(BpfObject owner, Pointer handle) {
        this.owner = owner;
        this.handle = handle;
        this.name = LIB.bpf_map__name(handle);
    }

    /** Number of possible CPUs (not just online ones): the slot count of per-CPU values. */
    public static int possibleCpus() {
        int n = possibleCpus;
        if (n == 0) {
            n = NativeLibbpf.check("count possible CPUs", LIB.libbpf_num_possible_cpus());
            possibleCpus = n;
        }
        return n;
    }

    public String name() {
        return name;
    }

    /** The kernel's map fd; only valid after {@link BpfObject#load()}. */
    public int fd() {
        return NativeLibbpf.check("fd of map " + name, LIB.bpf_map__fd(handle()));
    }

    /** The {@code enum bpf_map_type} value. */
    public int type() {
        return LIB.bpf_map__type(handle());
    }

    public int keySize() {
        return LIB.bpf_map__key_size(handle());
    }

    /** Size of one value as declared (one CPU's slot for per-CPU maps). */
    public int valueSize() {
        return LIB.bpf_map__value_size(handle());
    }

    public int maxEntries() {
        return LIB.bpf_map__max_entries(handle());
    }

    /** Resizes the map; only before {@link BpfObject#load()}. */
    public void setMaxEntries(int maxEntries) {
        NativeLibbpf.check("set max entries of map " + name,
                LIB.bpf_map__set_max_entries(handle(), maxEntries));
    }

    /**
     * Sets the contents a global-data map (.rodata, .data, their subsections) starts with; only
     * before {@link BpfObject#load()}, and {@code value} must be exactly the map's value size.
     * For .rodata this is how settings reach a program as constants: the kernel freezes it at
     * load, and the verifier then knows every byte.
     */
    public void setInitialValue(byte[] value) {
        if (value.length != valueSize()) {
            throw new IllegalArgumentException("initial value of map " + name + " is " + valueSize()
                    + " bytes, not " + value.length);
        }
        jnr.ffi.Pointer data = jnr.ffi.Memory.allocateDirect(NativeLibbpf.RUNTIME, value.length);
        data.put(0, value, 0, value.length);
        // libbpf copies the bytes into the map's own image before returning
        NativeLibbpf.check("set initial value of map " + name,
                LIB.bpf_map__set_initial_value(handle(), data, value.length));
    }

    public boolean isPerCpu() {
        int type = type();
        return type == PERCPU_HASH || type == PERCPU_ARRAY || type == LRU_PERCPU_HASH
                || type == PERCPU_CGROUP_STORAGE;
    }

    /** Bytes a value buffer for lookup/update must have. */
    public int valueBufferSize() {
        int size = valueSize();
        return isPerCpu() ? ((size + 7) & ~7) * possibleCpus() : size;
    }

    /** Copies the value for {@code key} into {@code value}; false if there is no such key. */
    public boolean lookup(byte[] key, byte[] value) {
        int fd = fd();
        checkKey(key);
        checkValue(value);
        return found("look up in map " + name, LIB.bpf_map_lookup_elem(fd, key, value));
    }

    public void update(byte[] key, byte[] value) {
        update(key, value, UPDATE_ANY);
    }

    /** @param flags {@link #UPDATE_ANY}, {@link #UPDATE_NOEXIST} or {@link #UPDATE_EXIST} */
    public void update(byte[] key, byte[] value, long flags) {
        int fd = fd();
        checkKey(key);
        checkValue(value);
        NativeLibbpf.check("update map " + name, LIB.bpf_map_update_elem(fd, key, value, flags));
    }

    /** False if there was no such key. */
    public boolean delete(byte[] key) {
        int fd = fd();
        checkKey(key);
        return found("delete from map " + name, LIB.bpf_map_delete_elem(fd, key));
    }

    /** Looks up and removes {@code key} atomically (queue, stack and hash maps); false if absent. */
    public boolean lookupAndDelete(byte[] key, byte[] value) {
        int fd = fd();
        checkKey(key);
        checkValue(value);
        return found("look up and delete in map " + name, LIB.bpf_map_lookup_and_delete_elem(fd, key, value));
    }

    /**
     * Writes the key after {@code key} (the first key if {@code key} is null) into {@code next};
     * false when there are no more keys.
     */
    public boolean nextKey(byte[] key, byte[] next) {
        int fd = fd();
        if (key != null) {
            checkKey(key);
        }
        checkKey(next);
        return found("iterate map " + name, LIB.bpf_map_get_next_key(fd, key, next));
    }

    private static boolean found(String operation, int result) {
        if (result == -Errno.ENOENT) {
            return false;
        }
        NativeLibbpf.check(operation, result);
        return true;
    }

    // The kernel copies exactly key_size / value_size bytes through these buffers; a shorter Java
    // array would let it write past the native copy.
    private void checkKey(byte[] key) {
        if (key == null || key.length < keySize()) {
            throw new IllegalArgumentException("map " + name + " needs a " + keySize() + "-byte key, not "
                    + (key == null ? "null" : key.length + " bytes"));
        }
    }

    private void checkValue(byte[] value) {
        int size = valueBufferSize();
        if (value == null || value.length < size) {
            throw new IllegalArgumentException("map " + name + " needs a " + size + "-byte value buffer, not "
                    + (value == null ? "null" : value.length + " bytes"));
        }
    }

    Pointer handle() {
        owner.handle();
        return handle;
    }

    @Override
    public String toString() {
        return name;
    }
}
