package io.netcap.bpf.btf;

import java.io.IOException;

/**
 * A BTF blob could not be read because its content is malformed: wrong magic, unsupported
 * version, sections or records running past the end, references to type ids or strings that do
 * not exist. The message always starts with the file (or other source) the blob came from.
 */
public final class BtfException extends IOException {
    private static final long serialVersionUID = 1L;

    public BtfException(String source, String problem) {
        super(source + ": " + problem);
    }
}
