package io.netcap.bpf;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.u_int64_t;

/**
 * Loads libbpf once per JVM and turns its failure conventions (negative errno, or NULL plus errno)
 * into {@link BpfException}s.
 */
final class NativeLibbpf {
    static final LibBpf LIB;
    static final Runtime RUNTIME;
    /** libbpf's built-in stderr printer, remembered so that --debug can put it back. */
    static final Pointer DEFAULT_PRINT;

    static {
        LIB = LibbpfPreload.await();
        RUNTIME = Runtime.getRuntime(LIB);
        // The tool reports failures itself, one line each; libbpf's own multi-line warnings
        // would duplicate them on stderr. Passing NULL silences libbpf and returns the default.
        DEFAULT_PRINT = LIB.libbpf_set_print(null);
    }

    private NativeLibbpf() {
    }

    /** libbpf's description of an errno value (it also knows its own LIBBPF_ERRNO__* codes). */
    static String strerror(int errno) {
        byte[] buf = new byte[256];
        LIB.libbpf_strerror(Math.abs(errno), buf, buf.length);
        int end = 0;
        while (end < buf.length && buf[end] != 0) {
            end++;
        }
        return new String(buf, 0, end, StandardCharsets.UTF_8);
    }

    /** For int results: libbpf 1.x returns -errno on failure. */
    static int check(String operation, int result) {
        if (result < 0) {
            throw BpfException.of(operation, -result);
        }
        return result;
    }

    /** For pointer results: NULL means failure and errno says why. Call right after the C call. */
    static Pointer checkPointer(String operation, Pointer result) {
        if (result == null || result.address() == 0) {
            int errno = RUNTIME.getLastError();
            throw BpfException.of(operation, errno != 0 ? errno : Errno.EINVAL);
        }
        return result;
    }

    /**
     * The raw libbpf 1.x C API, one method per C function, named as in C. Only the wrappers in this
     * package call it; they check every result. libbpf 1.x reports failure as NULL or a negative
     * errno and also sets errno, so pointer-returning calls carry {@code @SaveError}.
     *
     * <p>Public only because jnr-ffi generates the implementation in its own class loader, which
     * must see the interface as public; the enclosing class keeps it out of the package's API.
     *
     * <p>C {@code bool} results are declared {@code byte}: only the low byte of the return register is
     * defined for a bool, so reading a full int would pick up garbage.
     */
    public interface LibBpf {

        // ---- object ----

        // struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
        //                                         const struct bpf_object_open_opts *opts);
        @SaveError
        Pointer bpf_object__open_mem(Pointer objBuf, @size_t long objBufSz, Pointer opts);

        // int bpf_object__load(struct bpf_object *obj);
        @SaveError
        int bpf_object__load(Pointer obj);

        // void bpf_object__close(struct bpf_object *obj);
        void bpf_object__close(Pointer obj);

        // struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name);
        @SaveError
        Pointer bpf_object__find_program_by_name(Pointer obj, String name);

        // struct bpf_program *bpf_object__next_program(const struct bpf_object *obj, struct bpf_program *prog);
        Pointer bpf_object__next_program(Pointer obj, Pointer prog);

        // struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name);
        @SaveError
        Pointer bpf_object__find_map_by_name(Pointer obj, String name);

        // struct bpf_map *bpf_object__next_map(const struct bpf_object *obj, const struct bpf_map *map);
        Pointer bpf_object__next_map(Pointer obj, Pointer map);

        // ---- program ----

        // const char *bpf_program__name(const struct bpf_program *prog);
        String bpf_program__name(Pointer prog);

        // const char *bpf_program__section_name(const struct bpf_program *prog);
        String bpf_program__section_name(Pointer prog);

        // int bpf_program__fd(const struct bpf_program *prog);
        int bpf_program__fd(Pointer prog);

        // int bpf_program__set_autoload(struct bpf_program *prog, bool autoload);
        @SaveError
        int bpf_program__set_autoload(Pointer prog, boolean autoload);

        // bool bpf_program__autoload(const struct bpf_program *prog);
        byte bpf_program__autoload(Pointer prog);

        // int bpf_program__set_log_buf(struct bpf_program *prog, char *log_buf, size_t log_size);
        @SaveError
        int bpf_program__set_log_buf(Pointer prog, Pointer logBuf, @size_t long logSize);

        // int bpf_program__set_log_level(struct bpf_program *prog, __u32 log_level);
        @SaveError
        int bpf_program__set_log_level(Pointer prog, @u_int32_t int logLevel);

        // struct bpf_link *bpf_program__attach(const struct bpf_program *prog);
        @SaveError
        Pointer bpf_program__attach(Pointer prog);

        // struct bpf_link *bpf_program__attach_tracepoint(const struct bpf_program *prog,
        //                                                 const char *tp_category, const char *tp_name);
        @SaveError
        Pointer bpf_program__attach_tracepoint(Pointer prog, String category, String name);

        // struct bpf_link *bpf_program__attach_raw_tracepoint(const struct bpf_program *prog, const char *tp_name);
        @SaveError
        Pointer bpf_program__attach_raw_tracepoint(Pointer prog, String name);

        // struct bpf_link *bpf_program__attach_trace(const struct bpf_program *prog);
        @SaveError
        Pointer bpf_program__attach_trace(Pointer prog);

        // struct bpf_link *bpf_program__attach_kprobe(const struct bpf_program *prog, bool retprobe,
        //                                             const char *func_name);
        @SaveError
        Pointer bpf_program__attach_kprobe(Pointer prog, boolean retprobe, String funcName);

        // struct bpf_link *bpf_program__attach_uprobe_opts(const struct bpf_program *prog, pid_t pid,
        //         const char *binary_path, size_t func_offset, const struct bpf_uprobe_opts *opts);
        @SaveError
        Pointer bpf_program__attach_uprobe_opts(Pointer prog, int pid, String binaryPath, @size_t long funcOffset,
                                                Pointer opts);

        // struct bpf_link *bpf_program__attach_usdt(const struct bpf_program *prog, pid_t pid,
        //         const char *binary_path, const char *usdt_provider, const char *usdt_name,
        //         const struct bpf_usdt_opts *opts);
        @SaveError
        Pointer bpf_program__attach_usdt(Pointer prog, int pid, String binaryPath, String provider, String name,
                                         Pointer opts);

        // int bpf_program__set_attach_target(struct bpf_program *prog, int attach_prog_fd,
        //                                    const char *attach_func_name);
        @SaveError
        int bpf_program__set_attach_target(Pointer prog, int attachProgFd, String attachFuncName);

        // enum bpf_prog_type bpf_program__type(const struct bpf_program *prog);
        int bpf_program__type(Pointer prog);

        // int bpf_link__destroy(struct bpf_link *link);
        @SaveError
        int bpf_link__destroy(Pointer link);

        // ---- map (libbpf object side) ----

        // const char *bpf_map__name(const struct bpf_map *map);
        String bpf_map__name(Pointer map);

        // int bpf_map__fd(const struct bpf_map *map);
        int bpf_map__fd(Pointer map);

        // enum bpf_map_type bpf_map__type(const struct bpf_map *map);
        int bpf_map__type(Pointer map);

        // __u32 bpf_map__key_size(const struct bpf_map *map);
        @u_int32_t int bpf_map__key_size(Pointer map);

        // __u32 bpf_map__value_size(const struct bpf_map *map);
        @u_int32_t int bpf_map__value_size(Pointer map);

        // __u32 bpf_map__max_entries(const struct bpf_map *map);
        @u_int32_t int bpf_map__max_entries(Pointer map);

        // int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries);
        @SaveError
        int bpf_map__set_max_entries(Pointer map, @u_int32_t int maxEntries);

        // int bpf_map__set_initial_value(struct bpf_map *map, const void *data, size_t size);
        @SaveError
        int bpf_map__set_initial_value(Pointer map, Pointer data, @size_t long size);

        // ---- map (syscall wrappers on a map fd) ----

        // int bpf_map_lookup_elem(int fd, const void *key, void *value);
        @SaveError
        int bpf_map_lookup_elem(int fd, @In byte[] key, @Out byte[] value);

        // int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
        @SaveError
        int bpf_map_update_elem(int fd, @In byte[] key, @In byte[] value, @u_int64_t long flags);

        // int bpf_map_delete_elem(int fd, const void *key);
        @SaveError
        int bpf_map_delete_elem(int fd, @In byte[] key);

        // int bpf_map_get_next_key(int fd, const void *key, void *next_key);
        @SaveError
        int bpf_map_get_next_key(int fd, @In byte[] key, @Out byte[] nextKey);

        // int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value);
        @SaveError
        int bpf_map_lookup_and_delete_elem(int fd, @In byte[] key, @Out byte[] value);

        // ---- perf buffer ----

        // struct perf_buffer *perf_buffer__new_raw(int map_fd, size_t page_cnt, struct perf_event_attr *attr,
        //                                          perf_buffer_event_fn event_cb, void *ctx,
        //                                          const struct perf_buffer_raw_opts *opts);
        // event_cb and ctx are declared plain pointers: we pass NULL, as the records are read from
        // the mapped buffers (MappedPerfBuffer) and perf_buffer__poll/consume are never called.
        @SaveError
        Pointer perf_buffer__new_raw(int mapFd, @size_t long pageCnt, Pointer attr, Pointer eventCb, Pointer ctx,
                                     Pointer opts);

        // size_t perf_buffer__buffer_cnt(const struct perf_buffer *pb);
        @size_t long perf_buffer__buffer_cnt(Pointer pb);

        // int perf_buffer__buffer(struct perf_buffer *pb, int buf_idx, void **buf, size_t *buf_size);
        int perf_buffer__buffer(Pointer pb, int bufIdx, Pointer buf, Pointer bufSize);

        // int perf_buffer__epoll_fd(const struct perf_buffer *pb);
        int perf_buffer__epoll_fd(Pointer pb);

        // void perf_buffer__free(struct perf_buffer *pb);
        void perf_buffer__free(Pointer pb);

        // ---- test run ----

        // int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);
        @SaveError
        int bpf_prog_test_run_opts(int progFd, Pointer opts);

        // ---- library ----

        // libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);
        // Declared with a plain pointer: we only ever pass NULL or a value it returned earlier.
        Pointer libbpf_set_print(Pointer fn);

        // int libbpf_strerror(int err, char *buf, size_t size);
        int libbpf_strerror(int err, @Out byte[] buf, @size_t long size);

        // __u32 libbpf_major_version(void);
        @u_int32_t int libbpf_major_version();

        // __u32 libbpf_minor_version(void);
        @u_int32_t int libbpf_minor_version();

        // int libbpf_num_possible_cpus(void);
        int libbpf_num_possible_cpus();

        // int libbpf_probe_bpf_prog_type(enum bpf_prog_type prog_type, const void *opts);
        @SaveError
        int libbpf_probe_bpf_prog_type(int progType, Pointer opts);

        // int libbpf_probe_bpf_helper(enum bpf_prog_type prog_type, enum bpf_func_id helper_id, const void *opts);
        @SaveError
        int libbpf_probe_bpf_helper(int progType, int helperId, Pointer opts);

        // int libbpf_probe_bpf_map_type(enum bpf_map_type map_type, const void *opts);
        @SaveError
        int libbpf_probe_bpf_map_type(int mapType, Pointer opts);
    }
}
