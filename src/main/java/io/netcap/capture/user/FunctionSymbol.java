package io.netcap.capture.user;

/**
 * One defined function symbol of an ELF file, as {@link ElfSymbols} read it.
 *
 * @param name           the symbol's name without any {@code @VERSION} / {@code @@VERSION} suffix
 * @param table          the symbol table it came from
 * @param address        st_value: the link-time virtual address (for a shared library or PIE,
 *                       relative to its load address)
 * @param size           st_size in bytes (0 when the assembler did not record it)
 * @param fileOffset     where its first instruction is in the file: st_value − sh_addr + sh_offset
 *                       of its section, what a uprobe attaches at (libbpf's {@code func_offset}
 *                       with no {@code func_name}); -1 when its section could not be told
 * @param weak           STB_WEAK: another definition of the name wins over it at link time
 * @param indirect       STT_GNU_IFUNC: the symbol is a resolver, run once when the library is
 *                       loaded, that picks the implementation the program's calls go to
 * @param defaultVersion false for an old symbol version kept for binaries linked against it
 *                       (hidden in .gnu.version, or {@code name@VER} with one {@code @} in .symtab):
 *                       programs linked now call the default version
 */
public record FunctionSymbol(String name, ElfSymbols.Table table, long address, long size, long fileOffset,
                             boolean weak, boolean indirect, boolean defaultVersion) {
}
