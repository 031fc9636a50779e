package io.tsconnector.adapters.protocol;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Requests admitted at once: at most {@code max}, fewer while admitted writes queue. Past what the store can
 * take, every request admitted beyond the store's pace only waits behind the others (with 256 admitted and 65
 * writes a second stored, each waits about 4 s), so the limit follows the writes' answer times. In each window of
 * at least {@value #WINDOW_MILLIS} ms, an average write time over the target lowers the limit to three quarters of
 * the requests that were in flight at most (down to {@code min}); an average under four fifths of the target raises
 * it by an eighth (up to {@code max}). The target is {@value #TARGET_MILLIS} ms, or one and a half times the store's
 * own pace when the store alone is slower: the fastest window so far, or what writes take at the lowest limit,
 * where what is left of the wait is the store's. So a slow store keeps (or soon gets back) every permit, and an
 * overload cannot raise the target by its own queueing. Those turned away get 503 with Retry-After at once, so the
 * writes that are admitted are answered within about the target instead of all of them late. Reads take permits
 * but do not steer the limit: their time is the size of what they ask for.
 */
final class AdmissionLimit {
    static final long TARGET_MILLIS = 1_000;
    static final long WINDOW_MILLIS = 250;
    private static final long TARGET_NANOS = TARGET_MILLIS * 1_000_000L;
    private static final long WINDOW_NANOS = WINDOW_MILLIS * 1_000_000L;

    private final int max;
    private final int min;
    private final LongSupplier clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int limit;
    /** The most requests in flight since the window began. */
    private volatile int peak;

    // the current window and the baseline, guarded by this
    private long windowStart = Long.MIN_VALUE;
    private int writes;
    private long writeNanos;
    private long baselineNanos = Long.MAX_VALUE;

    AdmissionLimit(int max) {
        this(max, Math.min(max, 16), System::nanoTime);
    }

    AdmissionLimit(int max, int min, LongSupplier clock) {
        if (max < 1 || min < 1 || min > max) {
            throw new IllegalArgumentException("admission limits must be 1 <= min <= max: " + min + ", " + max);
        }
        this.max = max;
        this.min = min;
        this.clock = clock;
        this.limit = max;
    }

    /** Takes a permit unless the limit is reached. */
    boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                if (n + 1 > peak) {
                    peak = n + 1; // a race may lose a larger value for the window: harmless
                }
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int limit() {
        return limit;
    }

    int inFlight() {
        return inFlight.get();
    }

    private long target() {
        return baselineNanos == Long.MAX_VALUE ? TARGET_NANOS : Math.max(TARGET_NANOS, baselineNanos + baselineNanos / 2);
    }

    /** Counts an answered write's time from its arrival; adjusts the limit at the end of a window. */
    synchronized void writeAnswered(long nanos) {
        long now = clock.getAsLong();
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
        }
        writes++;
        writeNanos += Math.max(0, nanos);
        if (now - windowStart < WINDOW_NANOS || writes < 4) {
            return;
        }
        long average = writeNanos / writes;
        int current = limit;
        // the store's own pace: the fastest window, or what writes take at the lowest limit, where what is left
        // of the wait is the store's (so an overload never raises the target by its own queueing)
        if (average < baselineNanos || (current == min && average > target())) {
            baselineNanos = average;
        }
        long target = target();
        if (average > target) {
            int used = Math.min(current, peak);
            limit = Math.max(min, used - Math.max(1, used / 4));
        } else if (average < target - target / 5 && current < max) {
            limit = Math.min(max, current + Math.max(1, current / 8));
        }
        peak = inFlight.get();
        windowStart = now;
        writes = 0;
        writeNanos = 0;
    }
}
