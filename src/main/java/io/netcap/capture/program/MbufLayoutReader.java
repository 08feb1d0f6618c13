package io.netcap.capture.program;

import io.netcap.bpf.ElfFile;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfStructLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads where {@code struct rte_mbuf} keeps the fields netcap mbuf needs from a program's own
 * debug information, so a DPDK built with another layout is read right: its BTF (a .BTF
 * section, parsed by the project's BTF reader) or else its DWARF, through llvm-dwarfdump (LLVM's
 * DWARF reader, installed with clang; parsing DWARF ourselves is not this project's job).
 * Debian's DPDK libraries carry neither; a program built with {@code -g} against DPDK headers does.
 */
public final class MbufLayoutReader {
    /** The layout and where it came from, e.g. "DWARF of /opt/app/rx". */
    public record Found(MbufLayout layout, String source) {
    }

    private static final long DWARFDUMP_SECONDS = 20;
    /** A DIE's first line: {@code 0x000013ab:   DW_TAG_member}; the spaces give its depth. */
    private static final Pattern DIE = Pattern.compile("^0x[0-9a-f]+:( +)(DW_TAG_\\w+)");
    private static final Pattern ATTRIBUTE = Pattern.compile("^\\s+(DW_AT_\\w+)\\s+\\((.*)\\)\\s*$");

    private MbufLayoutReader() {
    }

    /** The layout in {@code binary}'s BTF or DWARF; empty when it has neither for struct rte_mbuf. */
    public static Optional<Found> read(Path binary) {
        try {
            Optional<MbufLayout> btf = fromBtf(binary);
            if (btf.isPresent()) {
                return Optional.of(new Found(btf.get(), "BTF of " + binary));
            }
            return fromDwarf(binary).map(layout -> new Found(layout, "DWARF of " + binary));
        } catch (IOException e) { // BtfException is one too
            return Optional.empty(); // no readable debug information: the caller falls back and says so
        }
    }

    /** Reads only the .BTF section (ElfFile maps what it needs): a DPDK program or library can be large. */
    private static Optional<MbufLayout> fromBtf(Path binary) throws IOException {
        try (ElfFile elf = ElfFile.open(binary)) {
            Optional<ElfFile.Section> section = elf.section(".BTF");
            if (section.isEmpty()) {
                return Optional.empty();
            }
            Btf btf = Btf.parse(elf.content(section.get()), binary.toString());
            return btf.findStructLayout("rte_mbuf").map(BtfStructLayout::offsets).flatMap(MbufLayoutReader::layout);
        } catch (IllegalArgumentException e) { // not ELF64, or a damaged section table: no BTF to read
            return Optional.empty();
        }
    }

    private static Optional<MbufLayout> fromDwarf(Path binary) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("llvm-dwarfdump", "--name=rte_mbuf", "--show-children", binary.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.empty(); // no LLVM: only BTF and the version check remain
        }
        try {
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(DWARFDUMP_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return layout(dwarfMembers(text.lines().toList()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The named direct members of the first complete {@code struct rte_mbuf} (one with a byte
     * size; declarations have none) in llvm-dwarfdump's text, with their byte offsets.
     */
    static Map<String, Integer> dwarfMembers(List<String> lines) {
        Map<String, Integer> members = new HashMap<>();
        int structDepth = -1;
        String tag = null;
        int depth = 0;
        Map<String, String> attributes = new HashMap<>();
        for (String line : lines) {
            Matcher die = DIE.matcher(line);
            if (die.find()) {
                if (structDepth >= 0 && depth == structDepth + 1) {
                    addMember(tag, attributes, members);
                }
                tag = die.group(2);
                depth = (die.group(1).length() - 1) / 2;
                attributes = new HashMap<>();
                if (structDepth >= 0 && depth <= structDepth) {
                    break; // past the struct's children
                }
                continue;
            }
            Matcher at = ATTRIBUTE.matcher(line);
            if (at.find() && tag != null) {
                attributes.put(at.group(1), at.group(2));
                if (structDepth < 0 && tag.equals("DW_TAG_structure_type") && "\"rte_mbuf\"".equals(attributes.get("DW_AT_name"))
                        && attributes.containsKey("DW_AT_byte_size")) {
                    structDepth = depth;
                }
            }
        }
        if (structDepth >= 0 && depth == structDepth + 1) {
            addMember(tag, attributes, members);
        }
        return members;
    }

    private static void addMember(String tag, Map<String, String> attributes, Map<String, Integer> members) {
        String name = attributes.get("DW_AT_name");
        String location = attributes.get("DW_AT_data_member_location");
        if ("DW_TAG_member".equals(tag) && name != null && location != null && location.matches("0x[0-9a-fA-F]+|\\d+")) {
            members.put(name.replace("\"", ""), Integer.decode(location));
        }
    }

    /** The layout from member offsets, if every field netcap reads is among them. */
    static Optional<MbufLayout> layout(Map<String, Integer> offsets) {
        for (String field : MbufLayout.DPDK_17_05.fields().keySet()) {
            if (!offsets.containsKey(field)) {
                return Optional.empty();
            }
        }
        return Optional.of(new MbufLayout(offsets.get("buf_addr"), offsets.get("data_off"), offsets.get("port"),
                offsets.get("pkt_len"), offsets.get("data_len"), offsets.get("next")));
    }
}
