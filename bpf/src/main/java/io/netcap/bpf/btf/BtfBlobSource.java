package io.netcap.bpf.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Gets the bytes of a BTF file into a ByteBuffer as cheaply as the file allows.
 *
 * <p>Memory-mapping avoids copying the ~6 MB vmlinux blob, but sysfs only supports mmap of
 * /sys/kernel/btf/vmlinux on recent kernels, and then only a private mapping (kernel/bpf/sysfs_btf.c
 * refuses VM_MAYSHARE), which Java gives only to a channel open for writing; some pseudo-files
 * report a size of 0. So a read is the fallback rather than an error: into one direct buffer of
 * the file's size where the size is known. Files.readAllBytes there took ~20 ms of a start for
 * vmlinux, reads into a heap array ~16 ms, this ~10 (async-profiler): sysfs hands out a page per
 * read(2), and a heap array takes each through a native buffer and a copy.
 */
final class BtfBlobSource {
    private BtfBlobSource() {
    }

    static ByteBuffer open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new BtfException(path.toString(), "file of " + size + " bytes is too large for BTF");
            }
            if (size > 0) {
                try {
                    return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                } catch (IOException | UnsupportedOperationException mmapRefused) {
                    // Fall through to copying: the file is readable, just not mappable.
                }
                ByteBuffer copy = ByteBuffer.allocateDirect((int) size);
                while (copy.hasRemaining() && channel.read(copy) > 0) {
                    // a page at a time from sysfs, straight into the buffer
                }
                if (!copy.hasRemaining() && channel.read(ByteBuffer.allocate(1)) <= 0) {
                    return copy.flip();
                }
                // shorter or longer than its stated size: read it whole below
            }
        }
        return ByteBuffer.wrap(Files.readAllBytes(path));
    }
}
