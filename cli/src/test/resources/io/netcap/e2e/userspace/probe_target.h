/*
 * What the test programs' probe targets are declared with. noipa (GCC): besides not inlining, no
 * clones (.constprop/.isra) that callers would call instead of the symbol a uprobe is put on.
 */
#ifndef PROBE_TARGET_H
#define PROBE_TARGET_H
#if defined(__has_attribute)
#if __has_attribute(noipa)
#define PROBE_TARGET __attribute__((noinline, noipa))
#endif
#endif
#ifndef PROBE_TARGET
#define PROBE_TARGET __attribute__((noinline))
#endif
#endif
