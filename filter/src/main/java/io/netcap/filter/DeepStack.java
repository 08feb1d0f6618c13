package io.netcap.filter;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work that recurses once per block of a filter program on a thread whose stack is sized
 * for the filter, not for whatever thread asked (netcap's launcher runs the JVM with 1 MiB
 * stacks). libpcap's compiler walks the control-flow graph recursively (counting, numbering,
 * levelling and emitting blocks, about 100 bytes of native stack per block), and a long
 * expression makes a long chain of blocks: 3000 {@code host} terms overflow 1 MiB, which kills
 * the JVM with SIGSEGV since the overflow happens in native code, out of Java's reach.
 *
 * <p>Size: a tcpdump expression yields at most about 3 blocks per character ({@code port 1||}
 * is 8 characters and 23 blocks), so {@value #BYTES_PER_CHARACTER} bytes of stack per character
 * leaves a margin of about three over the deepest shape measured. Thread stacks are reserved,
 * not committed, so the reservation costs address space, and only pages the recursion touches
 * cost memory.
 */
final class DeepStack {
    /** Stack per character of expression: blocks per character (≤ 3) × native bytes per block (~100) × 3. */
    static final long BYTES_PER_CHARACTER = 1024;
    /** Enough for any expression typed by hand (a few thousand characters) with a wide margin. */
    static final long MIN_BYTES = 16L << 20;
    /** An expression needing more would take libpcap's optimiser days; refuse rather than reserve more. */
    static final long MAX_BYTES = 1L << 30;

    /** Work that may fail with the filter's own exception. */
    interface Work<T> {
        T run() throws FilterException;
    }

    private DeepStack() {}

    /** The stack reserved for compiling an expression of this many characters. */
    static long stackBytes(int expressionLength) {
        return Math.min(MAX_BYTES, Math.max(MIN_BYTES, expressionLength * BYTES_PER_CHARACTER));
    }

    /**
     * Runs {@code work} on a new thread with {@link #stackBytes} of stack and waits for it.
     *
     * @throws FilterException what the work threw, or a one-line message when the expression is
     *                         too large to compile (longer than {@link #MAX_BYTES} allows, or deeper
     *                         than even that stack on the Java side) or the thread cannot be started
     */
    static <T> T run(String expression, Work<T> work) throws FilterException {
        long bytes = stackBytes(expression.length());
        if (expression.length() * BYTES_PER_CHARACTER > MAX_BYTES) {
            throw new FilterException("filter expression too long to compile (" + expression.length()
                    + " characters; at most " + MAX_BYTES / BYTES_PER_CHARACTER + ")");
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(work.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "filter-compiler", bytes);
        thread.setDaemon(true); // a compile left running must not keep the JVM alive after a Ctrl-C
        try {
            thread.start();
        } catch (OutOfMemoryError e) {
            throw new FilterException("cannot start a thread with a " + (bytes >> 20)
                    + " MiB stack to compile the filter: " + e.getMessage(), e);
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // libpcap cannot be stopped midway; the daemon thread dies with the JVM
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t == null) {
            return result.get();
        }
        if (t instanceof FilterException e) {
            throw e;
        }
        if (t instanceof StackOverflowError e) {
            throw new FilterException("filter expression too large to compile: its program nests deeper than a "
                    + (bytes >> 20) + " MiB stack", e);
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
