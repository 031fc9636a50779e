package io.tsconnector.application;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Value: the moment by which one remote-read request must be answered. Stores check it between pages and
 * bound each call by what is left, so a read that runs past it stops (and stops costing) instead of going
 * on after the client has given up.
 */
public final class ReadDeadline {
    /** No deadline: reads run until they are done. */
    public static final ReadDeadline NONE = new ReadDeadline(null, Long.MAX_VALUE, System::nanoTime);

    static final long SLACK_MILLIS = 10;

    private final Duration limit;
    private final long endNanos;
    private final LongSupplier clock;

    private ReadDeadline(Duration limit, long endNanos, LongSupplier clock) {
        this.limit = limit;
        this.endNanos = endNanos;
        this.clock = clock;
    }

    /** A deadline {@code limit} from now. */
    public static ReadDeadline after(Duration limit) {
        return after(limit, System::nanoTime);
    }

    /** A deadline {@code limit} from now on the given nanosecond clock (tests). */
    public static ReadDeadline after(Duration limit, LongSupplier nanoClock) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a read deadline must be positive: " + limit);
        }
        return new ReadDeadline(limit, nanoClock.getAsLong() + limit.toNanos(), nanoClock);
    }

    public boolean isBounded() {
        return limit != null;
    }

    /** Time left, zero once passed; {@code fallback} when there is no deadline or more is left than it. */
    public Duration remainingOr(Duration fallback) {
        if (limit == null) {
            return fallback;
        }
        long left = Math.max(0, endNanos - clock.getAsLong());
        return fallback != null && fallback.toNanos() <= left ? fallback : Duration.ofNanos(left);
    }

    /**
     * Whether the deadline has passed, or so little is left (under {@value #SLACK_MILLIS} ms) that no call can
     * be made in it: a timer set from the time left may fire a little before the deadline's clock says so.
     */
    public boolean passed() {
        return limit != null && clock.getAsLong() - endNanos >= -SLACK_MILLIS * 1_000_000L;
    }

    /** Throws {@link ReadTimeoutException} once the deadline has passed; {@code doing} says what was under way. */
    public void check(String doing) {
        if (passed()) {
            throw exceeded(doing, null);
        }
    }

    /** The error of a read stopped by this deadline. */
    public ReadTimeoutException exceeded(String doing, Throwable cause) {
        return new ReadTimeoutException("the read did not finish within its limit of " + text(limit)
                + " (--read.timeout) and was stopped " + doing + ": narrow the query's time range or matchers, "
                + "or raise the limit", cause);
    }

    private static String text(Duration d) {
        if (d == null) {
            return "none";
        }
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    @Override
    public String toString() {
        return "ReadDeadline[" + text(limit) + "]";
    }

    /** A read stopped at its deadline: retryable, answered 503 like a store timeout. */
    public static final class ReadTimeoutException extends RetryLaterException {
        ReadTimeoutException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
