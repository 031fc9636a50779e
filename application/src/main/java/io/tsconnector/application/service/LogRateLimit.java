package io.tsconnector.application.service;

/**
 * Helper: bounds how many lines one kind of log message writes: at most {@code lines} per {@code windowNanos}; the
 * first line after a suppressed stretch says how many were dropped. Bad input arrives as fast as a client can
 * send it, and the log must not grow with it.
 */
public final class LogRateLimit {
    private final int lines;
    private final long windowNanos;
    private long windowStart = System.nanoTime();
    private int used;
    private long suppressed;

    public LogRateLimit(int lines, long windowNanos) {
        if (lines < 1 || windowNanos < 1) {
            throw new IllegalArgumentException("lines and window must be positive");
        }
        this.lines = lines;
        this.windowNanos = windowNanos;
    }

    /**
     * Takes one line of the budget.
     *
     * @return -1 when the line must be dropped, else how many lines were dropped since the last one written
     */
    public synchronized long acquire() {
        long now = System.nanoTime();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            used = 0;
        }
        if (used >= lines) {
            suppressed++;
            return -1;
        }
        used++;
        long dropped = suppressed;
        suppressed = 0;
        return dropped;
    }
}
