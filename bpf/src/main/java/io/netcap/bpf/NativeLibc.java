package io.netcap.bpf;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/**
 * Loads the few libc calls {@link MappedRingBuffer} and {@link ProcessLibc} need once per JVM and
 * turns their failure convention (-1 or MAP_FAILED plus errno) into {@link BpfException}s.
 */
final class NativeLibc {
    static final LibC LIB = SharedLibraries.load(LibC.class, "libc.so.6", "c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIB);

    // <sys/mman.h>
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    /** (void *) -1. */
    static final long MAP_FAILED = -1L;

    // <sys/epoll.h>
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLLIN = 0x001;
    static final int EPOLLET = 1 << 31;
    /**
     * A buffer large enough for one {@code struct epoll_event}: 12 bytes on x86-64, where the
     * struct is packed (u32 events, u64 data), 16 elsewhere. {@code events} is at offset 0 in both
     * layouts and the callers never use {@code data}, so one zeroed 16-byte buffer fits all.
     */
    static final int EPOLL_EVENT_BUFFER_SIZE = 16;

    // <unistd.h>; glibc's value on every Linux architecture.
    private static final int SC_PAGESIZE = 30;

    private static volatile long pageSize;

    private NativeLibc() {
    }

    /** The MMU page size: the unit a ring buffer map is mapped in. */
    static long pageSize() {
        long size = pageSize;
        if (size == 0) {
            size = LIB.sysconf(SC_PAGESIZE);
            if (size <= 0) {
                throw BpfException.of("sysconf(_SC_PAGESIZE)", Errno.EINVAL);
            }
            pageSize = size;
        }
        return size;
    }

    /** For int results: -1 means failure and errno says why. Call right after the C call. */
    static int check(String operation, int result) {
        if (result == -1) {
            throw BpfException.of(operation, lastError());
        }
        return result;
    }

    /** For mmap: MAP_FAILED means failure and errno says why. Call right after the C call. */
    static Pointer checkMapping(String operation, Pointer result) {
        if (result == null || result.address() == MAP_FAILED) {
            throw BpfException.of(operation, lastError());
        }
        return result;
    }

    /** errno of the last {@code @SaveError} call on this thread. */
    static int lastError() {
        int errno = RUNTIME.getLastError();
        return errno != 0 ? errno : Errno.EINVAL;
    }

    /**
     * The raw libc API, one method per C function, named as in C. Only the wrappers in this package
     * call it; they check every result. All these calls report failure as -1 (or MAP_FAILED) and
     * set errno, so each carries {@code @SaveError}.
     *
     * <p>Public only because jnr-ffi generates the implementation in its own class loader, which
     * must see the interface as public; the enclosing class keeps it out of the package's API.
     */
    public interface LibC {

        // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
        @SaveError
        Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

        // int munmap(void *addr, size_t length);
        @SaveError
        int munmap(Pointer addr, @size_t long length);

        // int epoll_create1(int flags);
        @SaveError
        int epoll_create1(int flags);

        // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
        @SaveError
        int epoll_ctl(int epfd, int op, int fd, Pointer event);

        // int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
        @SaveError
        int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

        // int close(int fd);
        @SaveError
        int close(int fd);

        // long sysconf(int name);
        long sysconf(int name);

        // sighandler_t signal(int signum, sighandler_t handler); SIG_ERR is -1
        @SaveError
        @intptr_t
        long signal(int signum, @intptr_t long handler);

        // int poll(struct pollfd *fds, nfds_t nfds, int timeout);
        @SaveError
        int poll(Pointer fds, @size_t long nfds, int timeout);

        // int isatty(int fd); 1, or 0 with errno ENOTTY/EBADF (not an error to report)
        int isatty(int fd);
    }
}
