package io.tsconnector.adapters.timestreamlocal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Timestream's time functions, registered in H2 as function aliases. */
public final class SqlFunctions {
    private SqlFunctions() {
    }

    /** {@code from_milliseconds(bigint)}: epoch milliseconds to a UTC timestamp. */
    public static LocalDateTime fromMilliseconds(long millis) {
        return H2Store.toTime(Math.multiplyExact(millis, 1_000_000L));
    }

    /** {@code from_nanoseconds(bigint)}: epoch nanoseconds to a UTC timestamp. */
    public static LocalDateTime fromNanoseconds(long nanos) {
        return H2Store.toTime(nanos);
    }

    /** {@code to_milliseconds(timestamp)}: a UTC timestamp to epoch milliseconds. */
    public static long toMilliseconds(LocalDateTime t) {
        return Math.floorDiv(toNanoseconds(t), 1_000_000L);
    }

    /** {@code to_nanoseconds(timestamp)}: a UTC timestamp to epoch nanoseconds. */
    public static long toNanoseconds(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
    }
}
