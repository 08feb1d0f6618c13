package io.netcap.bpf.btf;

import java.util.ArrayList;
import java.util.List;

/** Turns a FUNC_PROTO record into {@link BtfParam}s. */
final class BtfPrototypes {
    private final BtfTypeTable types;
    private final BtfStrings strings;
    private final BtfTypeRenderer renderer;

    BtfPrototypes(BtfTypeTable types, BtfStrings strings, BtfTypeRenderer renderer) {
        this.types = types;
        this.strings = strings;
        this.renderer = renderer;
    }

    /**
     * The declared parameters, numbered from 1. A trailing "..." (encoded as a nameless
     * parameter of type void) is left out: BPF programs cannot reach variadic arguments.
     */
    List<BtfParam> params(int protoId) {
        int count = declaredCount(protoId);
        List<BtfParam> params = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int typeId = paramType(protoId, i);
            params.add(new BtfParam(i + 1, strings.at(types.dataWord(protoId, i * 8)), typeId, renderer.render(typeId)));
        }
        return params;
    }

    /** Parameter count without the variadic marker. */
    int declaredCount(int protoId) {
        int count = types.vlen(protoId);
        if (count > 0 && paramType(protoId, count - 1) == 0 && types.dataWord(protoId, (count - 1) * 8) == 0) {
            count--;
        }
        return count;
    }

    /** Type id of the 0-based parameter i. */
    int paramType(int protoId, int i) {
        return types.dataWord(protoId, i * 8 + 4);
    }

    /** The FUNC_PROTO behind a FUNC, or behind a pointer (through typedefs/qualifiers); -1 if none. */
    int protoBehind(int id) {
        int current = id;
        for (int depth = 0; depth < 64; depth++) {
            BtfKind kind = types.kind(current);
            if (kind == BtfKind.FUNC_PROTO) {
                return current;
            }
            if (kind != BtfKind.FUNC && kind != BtfKind.PTR && !kind.isTransparent()) {
                return -1;
            }
            current = types.sizeOrType(current);
        }
        return -1;
    }
}
