package io.netcap.filter;

/**
 * A filter expression that cannot be turned into a packet filter. The message is meant for the
 * end user: one or two lines naming the expression or instruction and the reason.
 */
public class FilterException extends Exception {
    private static final long serialVersionUID = 1L;

    public FilterException(String message) {
        super(message);
    }

    public FilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
