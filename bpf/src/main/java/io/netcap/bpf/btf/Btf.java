package io.netcap.bpf.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A parsed BTF blob, typically the running kernel's /sys/kernel/btf/vmlinux, answering the
 * questions netcap needs to attach probes: which argument of a function or tracepoint is the
 * {@code struct sk_buff *}, what the parameters are called and typed, what the values of an
 * enum such as {@code skb_drop_reason} mean, and at which byte offsets a struct's members lie.
 *
 * <p>Loading only checks the blob and records where each type starts (well under 100 ms for a
 * ~6 MB vmlinux); names are decoded when a query needs them. The first few by-name lookups
 * each scan the type records, comparing name bytes in place: a capture makes only a handful,
 * and indexing all ~130,000 names of vmlinux would cost more than they do. Past
 * {@value #SCANS_BEFORE_INDEX} distinct lookups, or for anything that lists names, a full name
 * index is built once and answers from then on. Instances are immutable after construction
 * (the lookup caches aside) and safe to share between threads.
 *
 * <p>Lookups by name that return a collection ({@link #funcParams}, {@link #tracepointParams},
 * {@link #enumValues}) throw {@link NoSuchElementException} when the name is absent, since an
 * empty list would be indistinguishable from a function without parameters; the
 * {@code find*} variants return an empty Optional instead.
 *
 * <p>Split BTF (kernel modules' /sys/kernel/btf/&lt;module&gt;, whose ids continue vmlinux's) is
 * not supported: such a blob is rejected because its references point past its own types.
 */
public final class Btf {
    /** Where the kernel exposes its own BTF when built with CONFIG_DEBUG_INFO_BTF. */
    public static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    /** How tp_btf/raw_tp argument lists are published: typedef btf_trace_&lt;event&gt; = pointer to proto. */
    static final String TRACEPOINT_TYPEDEF_PREFIX = "btf_trace_";
    /** The tracepoint's iterator function; unlike the typedef's proto, its proto carries parameter names. */
    static final String TRACEPOINT_ITERATOR_PREFIX = "__traceiter_";

    /** Distinct by-name lookups answered by scanning before the full name index is built instead. */
    static final int SCANS_BEFORE_INDEX = 16;

    private static Btf vmlinuxInstance;

    private final String source;
    private final BtfTypeTable types;
    private final BtfStrings strings;
    private final BtfTypeRenderer renderer;
    private final BtfPrototypes prototypes;
    private final BtfEnumReader enums;
    private final BtfStructReader structs;
    private final BtfValueTypeReader valueTypes;
    private volatile BtfNameIndex nameIndex;
    private volatile SkbPointerMatcher skbMatcher;
    private volatile List<SkbFunction> skbFunctions;
    /** Answers of by-name scans by "KIND name", kept until the index exists; guarded by this. */
    private final Map<String, int[]> scanned = new HashMap<>();

    private Btf(String source, BtfTypeTable types, BtfStrings strings) {
        this.source = source;
        this.types = types;
        this.strings = strings;
        this.renderer = new BtfTypeRenderer(types, strings);
        this.prototypes = new BtfPrototypes(types, strings, renderer);
        this.enums = new BtfEnumReader(types, strings);
        this.structs = new BtfStructReader(types, strings, source);
        this.valueTypes = new BtfValueTypeReader(types, strings, enums, renderer);
    }

    /** The running kernel's BTF, read once per process. */
    public static synchronized Btf vmlinux() throws IOException {
        if (vmlinuxInstance == null) {
            // The kernel's own BTF, built with it: the kernel checks every type's references and
            // name offsets itself before a BPF program may use it (btf_parse_vmlinux in
            // kernel/bpf/btf.c), so netcap's check is left out here, ~20 ms of CPU in a start
            // that shares two cores (async-profiler). A file given by path is still checked.
            vmlinuxInstance = parse(BtfBlobSource.open(VMLINUX), VMLINUX.toString(), false);
        }
        return vmlinuxInstance;
    }

    /**
     * Starts reading the running kernel's BTF (and finding {@code struct sk_buff}, which every
     * BTF-typed hook needs) on a background thread, for a command that has other work to do
     * first, such as parsing its arguments: {@link #vmlinux} then waits for that read rather than
     * starting its own. Failures are not reported here; {@link #vmlinux} reads again and throws.
     */
    public static void prefetchVmlinux() {
        Thread reader = new Thread(new Prefetch(), "netcap-btf-prefetch");
        reader.setDaemon(true);
        reader.start();
    }

    /** A class rather than a lambda: the first lambda of a process costs a cold start more. */
    private static final class Prefetch implements Runnable {
        @Override
        public void run() {
            try {
                vmlinux().skbMatcher();
            } catch (Exception | LinkageError | OutOfMemoryError ignored) {
                // vmlinux() will read again and report it.
            }
        }
    }

    /** Reads a standalone BTF file (raw blob, as in /sys/kernel/btf/vmlinux; not an ELF .BTF section). */
    public static Btf load(Path path) throws IOException {
        return parse(BtfBlobSource.open(path), path.toString());
    }

    /**
     * Parses a BTF blob already in memory, from its current position to its limit.
     *
     * @param source names the blob in error messages, e.g. a file path
     */
    public static Btf parse(ByteBuffer blob, String source) throws BtfException {
        return parse(blob, source, true);
    }

    /** As {@link #parse(ByteBuffer, String)}; {@code checkReferences} false only for BTF the kernel has checked. */
    static Btf parse(ByteBuffer blob, String source, boolean checkReferences) throws BtfException {
        ByteBuffer whole = blob.slice();
        BtfHeader header = BtfHeader.read(whole, source);
        int sectionsStart = header.headerLength();
        ByteBuffer typeSection = whole.slice(sectionsStart + header.typeOffset(), header.typeLength())
                .order(header.order());
        ByteBuffer stringSection = whole.slice(sectionsStart + header.stringOffset(), header.stringLength())
                .order(header.order());
        BtfStrings strings = BtfStrings.of(stringSection, source);
        BtfTypeTable types = BtfTypeTable.index(typeSection, source);
        if (checkReferences) {
            BtfReferenceCheck.verify(types, strings, source);
        }
        return new Btf(source, types, strings);
    }

    /** Where this blob came from, as given to {@link #load} or {@link #parse}. */
    public String source() {
        return source;
    }

    /** Number of types, which is also the highest type id (id 0, void, is not counted). */
    public int typeCount() {
        return types.count();
    }

    /** The kind of a type id (0 is {@link BtfKind#VOID}). */
    public BtfKind kind(int typeId) {
        requireValidId(typeId);
        return types.kind(typeId);
    }

    /** The name of a type id, "" for anonymous types and void. */
    public String name(int typeId) {
        requireValidId(typeId);
        return strings.at(types.nameOffset(typeId));
    }

    /** The lowest id of a type with this name and kind. */
    public Optional<Integer> findType(String name, BtfKind kind) {
        int[] ids = ids(name, kind);
        return ids.length == 0 ? Optional.empty() : Optional.of(ids[0]);
    }

    /**
     * Parameters of the kernel function with this name (a FUNC record).
     *
     * @throws NoSuchElementException if there is no such function
     */
    public List<BtfParam> funcParams(String funcName) {
        return findFuncParams(funcName).orElseThrow(() -> absent("function", funcName));
    }

    /** Parameters of the kernel function with this name, or empty if BTF has no such FUNC. */
    public Optional<List<BtfParam>> findFuncParams(String funcName) {
        int[] ids = ids(funcName, BtfKind.FUNC);
        for (int id : ids) {
            int proto = prototypes.protoBehind(id);
            if (proto > 0) {
                return Optional.of(List.copyOf(prototypes.params(proto)));
            }
        }
        return Optional.empty();
    }

    /** The 1-based index of the one {@code struct sk_buff *} parameter; empty if there is none or several. */
    public OptionalInt skbArgument(List<BtfParam> params) {
        List<Integer> found = skbArguments(params);
        return found.size() == 1 ? OptionalInt.of(found.get(0)) : OptionalInt.empty();
    }

    /** The 1-based indices of every {@code struct sk_buff *} parameter, ascending. */
    public List<Integer> skbArguments(List<BtfParam> params) {
        SkbPointerMatcher matcher = skbMatcher();
        List<Integer> found = new ArrayList<>();
        for (BtfParam param : params) {
            if (matcher.isSkbPointer(param.typeId())) {
                found.add(param.index());
            }
        }
        return List.copyOf(found);
    }

    /**
     * Arguments of a BTF-enabled tracepoint as tp_btf/raw_tp programs see them: types from
     * typedef btf_trace_&lt;event&gt; without its leading {@code void *__data}, so index 1 is
     * ctx[0]. Names come from __traceiter_&lt;event&gt; when the kernel has it, otherwise "".
     *
     * @throws NoSuchElementException if the kernel has no such tracepoint
     * @throws IllegalStateException  if the typedef is not shaped like a tracepoint's
     */
    public List<BtfParam> tracepointParams(String event) {
        return findTracepointParams(event).orElseThrow(() -> absent("tracepoint", event));
    }

    /** Like {@link #tracepointParams}, but empty when the tracepoint does not exist. */
    public Optional<List<BtfParam>> findTracepointParams(String event) {
        Optional<Integer> typedef = findType(TRACEPOINT_TYPEDEF_PREFIX + event, BtfKind.TYPEDEF);
        if (typedef.isEmpty()) {
            return Optional.empty();
        }
        int proto = prototypes.protoBehind(typedef.get());
        if (proto < 0 || prototypes.declaredCount(proto) == 0 || !isVoidPointer(prototypes.paramType(proto, 0))) {
            throw new IllegalStateException(source + ": " + TRACEPOINT_TYPEDEF_PREFIX + event
                    + " is not a pointer to a function taking void *__data first");
        }
        List<BtfParam> typed = prototypes.params(proto);
        List<BtfParam> named = namedTracepointParams(event, typed);
        List<BtfParam> real = new ArrayList<>(named.size() - 1);
        for (BtfParam param : named.subList(1, named.size())) {
            real.add(new BtfParam(param.index() - 1, param.name(), param.typeId(), param.typeName()));
        }
        return Optional.of(List.copyOf(real));
    }

    /**
     * The typedef's proto is anonymous all the way down; the iterator function has the same
     * parameter list with names, so borrow them when the types line up exactly.
     */
    private List<BtfParam> namedTracepointParams(String event, List<BtfParam> typed) {
        for (int id : ids(TRACEPOINT_ITERATOR_PREFIX + event, BtfKind.FUNC)) {
            int proto = prototypes.protoBehind(id);
            if (proto < 0) {
                continue;
            }
            List<BtfParam> named = prototypes.params(proto);
            if (sameTypes(typed, named)) {
                return named;
            }
        }
        return typed;
    }

    private static boolean sameTypes(List<BtfParam> a, List<BtfParam> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).typeId() != b.get(i).typeId()) {
                return false;
            }
        }
        return true;
    }

    private boolean isVoidPointer(int typeId) {
        return types.kind(typeId) == BtfKind.PTR && types.sizeOrType(typeId) == 0;
    }

    /** The name of every function the BTF describes (FUNC records), sorted: for suggestions when a name is mistyped. */
    public List<String> functionNames() {
        List<String> names = new ArrayList<>(nameIndex().names(BtfKind.FUNC));
        names.sort(null);
        return List.copyOf(names);
    }

    /** Every tracepoint with BTF-described arguments (btf_trace_* typedefs), prefix removed, sorted. */
    public List<String> tracepointNames() {
        List<String> names = new ArrayList<>();
        for (String typedef : nameIndex().names(BtfKind.TYPEDEF)) {
            if (typedef.startsWith(TRACEPOINT_TYPEDEF_PREFIX)) {
                names.add(typedef.substring(TRACEPOINT_TYPEDEF_PREFIX.length()));
            }
        }
        names.sort(null);
        return List.copyOf(names);
    }

    /**
     * Every static or global FUNC (extern declarations are skipped) with at least one
     * {@code struct sk_buff *} parameter, in type-id order. A name appears twice only when
     * two same-named static functions disagree on where the skb is.
     */
    public List<SkbFunction> functionsWithSkb() {
        List<SkbFunction> cached = skbFunctions;
        if (cached == null) {
            cached = scanFunctionsWithSkb();
            skbFunctions = cached;
        }
        return cached;
    }

    private List<SkbFunction> scanFunctionsWithSkb() {
        SkbPointerMatcher matcher = skbMatcher();
        Set<SkbFunction> found = new LinkedHashSet<>();
        List<Integer> skbArgs = new ArrayList<>();
        for (int id = 1; id <= types.count(); id++) {
            if (types.kind(id) != BtfKind.FUNC || types.vlen(id) > FuncLinkage.GLOBAL) {
                continue;
            }
            int proto = prototypes.protoBehind(id);
            if (proto < 0) {
                continue;
            }
            skbArgs.clear();
            int count = prototypes.declaredCount(proto);
            for (int i = 0; i < count; i++) {
                if (matcher.isSkbPointer(prototypes.paramType(proto, i))) {
                    skbArgs.add(i + 1);
                }
            }
            if (!skbArgs.isEmpty()) {
                found.add(new SkbFunction(strings.at(types.nameOffset(id)), skbArgs));
            }
        }
        return List.copyOf(found);
    }

    /** FUNC records keep their linkage in the vlen field. */
    private static final class FuncLinkage {
        static final int GLOBAL = 1; // 0 = static, 1 = global, 2 = extern
    }

    /**
     * Enumerator values of the named enum (ENUM or ENUM64) to their names, in declaration order.
     * A forward declaration without enumerators is skipped in favour of a full definition.
     *
     * @throws NoSuchElementException if no enum has this name
     */
    public Map<Long, String> enumValues(String enumName) {
        return findEnumValues(enumName).orElseThrow(() -> absent("enum", enumName));
    }

    /** Like {@link #enumValues}, but empty when the enum does not exist. */
    public Optional<Map<Long, String>> findEnumValues(String enumName) {
        Integer fallback = null;
        for (BtfKind kind : new BtfKind[] {BtfKind.ENUM, BtfKind.ENUM64}) {
            for (int id : ids(enumName, kind)) {
                if (types.vlen(id) > 0) {
                    return Optional.of(enums.values(id));
                }
                if (fallback == null) {
                    fallback = id;
                }
            }
        }
        return fallback == null ? Optional.empty() : Optional.of(enums.values(fallback));
    }

    /**
     * Member offsets of the struct with this name (a STRUCT record, the lowest id if several; a
     * union or a forward declaration does not count), as described on {@link BtfStructLayout}:
     * byte offsets, named members only with anonymous struct/union members expanded, bitfields
     * left out. This is what the compiler that produced the BTF laid out, so for vmlinux it is
     * the running kernel's layout, whatever headers netcap was built with.
     *
     * @return empty if there is no STRUCT with this name
     * @throws IllegalStateException if the record is malformed (anonymous members nest in a
     *                               cycle, or the size does not fit an int)
     */
    public Optional<BtfStructLayout> findStructLayout(String structName) {
        Optional<Integer> id = findType(structName, BtfKind.STRUCT);
        return id.map(structId -> structs.layout(structId, structName));
    }

    /**
     * The struct with this name (the lowest id of a STRUCT record with it) as a tree of the
     * values it holds: members with bit offsets and widths, typedefs resolved, enums with their
     * names, arrays, nested structs and unions. This is the layout the compiler that made the
     * BTF chose, padding and all.
     *
     * @return empty if there is no STRUCT with this name
     * @throws IllegalStateException if the types nest in a cycle (a corrupt blob)
     */
    public Optional<BtfValueType.Struct> findStructType(String structName) {
        return findType(structName, BtfKind.STRUCT).map(id -> (BtfValueType.Struct) valueTypes.read(id));
    }

    /** C-like text for a type: "struct sk_buff *", "const struct net_device *", "u32", "void *". */
    public String typeToString(int typeId) {
        return renderer.render(typeId);
    }

    /**
     * Ids of the types of this kind with this name, ascending (callers must not modify the array):
     * from the name index once it exists, else from a scan, until lookups become many enough
     * that building the index is the cheaper way.
     */
    private int[] ids(String name, BtfKind kind) {
        BtfNameIndex index = nameIndex;
        if (index != null) {
            return index.ids(name, kind);
        }
        synchronized (this) {
            if (nameIndex == null && BtfNameIndex.scannable(name)) {
                String key = kind.name() + ' ' + name;
                int[] ids = scanned.get(key);
                if (ids == null && scanned.size() < SCANS_BEFORE_INDEX) {
                    ids = BtfNameIndex.scan(types, strings, name, kind);
                    scanned.put(key, ids);
                }
                if (ids != null) {
                    return ids;
                }
            }
            return nameIndex().ids(name, kind);
        }
    }

    /** The full name index, built on first use. */
    private BtfNameIndex nameIndex() {
        BtfNameIndex built = nameIndex;
        if (built == null) {
            synchronized (this) {
                built = nameIndex;
                if (built == null) {
                    built = new BtfNameIndex(types, strings);
                    nameIndex = built;
                    scanned.clear();
                }
            }
        }
        return built;
    }

    private SkbPointerMatcher skbMatcher() {
        SkbPointerMatcher built = skbMatcher;
        if (built == null) {
            synchronized (this) {
                built = skbMatcher;
                if (built == null) {
                    built = new SkbPointerMatcher(types, ids(SkbPointerMatcher.SKB_STRUCT, BtfKind.STRUCT),
                            ids(SkbPointerMatcher.SKB_STRUCT, BtfKind.FWD));
                    skbMatcher = built;
                }
            }
        }
        return built;
    }

    private void requireValidId(int typeId) {
        if (!types.isValidId(Integer.toUnsignedLong(typeId))) {
            throw new IllegalArgumentException("no BTF type id " + Integer.toUnsignedLong(typeId)
                    + " in " + source + " (valid ids are 0.." + types.count() + ")");
        }
    }

    private NoSuchElementException absent(String what, String name) {
        return new NoSuchElementException("no " + what + " named '" + name + "' in the BTF of " + source);
    }

    @Override
    public String toString() {
        return "Btf[" + source + ", " + types.count() + " types]";
    }
}
