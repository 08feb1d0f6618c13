package io.netcap.filter;

import java.util.ArrayList;
import java.util.List;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.u_int32_t;

/**
 * The libpcap binding, jnr-posix style: one raw interface with C names and the C prototype
 * above each method, plus the one struct it needs, loaded once. Only {@link Pcap} and
 * {@link PcapCompilation} use it; everything here is unchecked and manages native memory by hand.
 *
 * <p>The members are declared public only because jnr-ffi generates the implementation in its
 * own class loader, which cannot see package-private types; this holder class is
 * package-private, so nothing outside the package can name them.
 */
final class NativePcap {
    private NativePcap() {}

    /** The loaded library; tries the development symlink first, then the Debian runtime soname. */
    static final LibPcap LIB = LibpcapPreload.await();
    static final Runtime RUNTIME = Runtime.getRuntime(LIB);

    /** Raw libpcap functions, named and typed as in {@code <pcap/pcap.h>} and {@code <pcap/bpf.h>}. */
    public interface LibPcap {

        /** {@code PCAP_NETMASK_UNKNOWN}: no netmask, so "ip broadcast" is refused rather than guessed. */
        long PCAP_NETMASK_UNKNOWN = 0xffffffffL;

        // pcap_t *pcap_open_dead(int linktype, int snaplen);
        @SaveError
        Pointer pcap_open_dead(int linktype, int snaplen);

        // int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str, int optimize, bpf_u_int32 netmask);
        int pcap_compile(Pointer p, BpfProgramStruct fp, String str, int optimize, @u_int32_t long netmask);

        // char *pcap_geterr(pcap_t *p);
        String pcap_geterr(Pointer p);

        // void pcap_freecode(struct bpf_program *fp);
        void pcap_freecode(BpfProgramStruct fp);

        // void pcap_close(pcap_t *p);
        void pcap_close(Pointer p);

        // u_int bpf_filter(const struct bpf_insn *pc, const u_char *pkt, u_int wirelen, u_int buflen);
        @u_int32_t
        long bpf_filter(Pointer pc, @In byte[] pkt, @u_int32_t long wirelen, @u_int32_t long buflen);

        // const char *pcap_lib_version(void);
        String pcap_lib_version();
    }

    public static final class BpfProgramStruct extends Struct {
        /** {@code sizeof(struct bpf_insn)}: u16 code, u8 jt, u8 jf, u32 k. */
        static final int INSN_SIZE = 8;

        final Unsigned32 bf_len = new Unsigned32();
        final Pointer bf_insns = new Pointer();

        BpfProgramStruct(Runtime runtime) {
            super(runtime);
            useMemory(runtime.getMemoryManager().allocateDirect(Struct.size(this), true));
        }

        /** Copies the compiled instructions out of libpcap's buffer. */
        List<CbpfInstruction> readInstructions() {
            int count = (int) bf_len.get();
            jnr.ffi.Pointer insns = bf_insns.get();
            List<CbpfInstruction> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long at = (long) i * INSN_SIZE;
                out.add(new CbpfInstruction(
                        insns.getShort(at) & 0xffff,
                        insns.getByte(at + 2) & 0xff,
                        insns.getByte(at + 3) & 0xff,
                        insns.getInt(at + 4)));
            }
            return out;
        }

        /** Lays out instructions as a native {@code struct bpf_insn[]} for {@code bpf_filter}. */
        static jnr.ffi.Pointer toNative(Runtime runtime, List<CbpfInstruction> instructions) {
            jnr.ffi.Pointer mem = runtime.getMemoryManager()
                    .allocateDirect(Math.max(1, instructions.size()) * INSN_SIZE, true);
            for (int i = 0; i < instructions.size(); i++) {
                CbpfInstruction insn = instructions.get(i);
                long at = (long) i * INSN_SIZE;
                mem.putShort(at, (short) insn.code());
                mem.putByte(at + 2, (byte) insn.jt());
                mem.putByte(at + 3, (byte) insn.jf());
                mem.putInt(at + 4, insn.k());
            }
            return mem;
        }
    }
}
