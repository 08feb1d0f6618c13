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
 * /sys/kernel/btf/vmlinux on recent kernels and some pseudo-files report a size of 0, so a plain
 * read is the fallback rather than an error.
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
            }
        }
        return ByteBuffer.wrap(Files.readAllBytes(path));
    }
}
