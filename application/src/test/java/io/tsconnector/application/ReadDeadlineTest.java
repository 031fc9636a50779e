package io.tsconnector.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadDeadlineTest {
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void remainingShrinksToZeroAndNeverExceedsTheCallersOwnLimit() {
        ReadDeadline d = ReadDeadline.after(Duration.ofSeconds(10), now::get);
        assertTrue(d.isBounded());
        assertEquals(Duration.ofSeconds(2), d.remainingOr(Duration.ofSeconds(2)), "a shorter call limit is kept");
        assertEquals(Duration.ofSeconds(10), d.remainingOr(Duration.ofSeconds(70)), "a longer one is cut to what is left");
        now.addAndGet(Duration.ofSeconds(7).toNanos());
        assertEquals(Duration.ofSeconds(3), d.remainingOr(null));
        assertFalse(d.passed());
        d.check("reading");
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertTrue(d.passed());
        assertEquals(Duration.ZERO, d.remainingOr(Duration.ofSeconds(70)));
    }

    @Test
    void aPassedDeadlineFailsRetryablyNamingTheLimitAndTheProgress() {
        ReadDeadline d = ReadDeadline.after(Duration.ofMillis(1500), now::get);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        ReadDeadline.ReadTimeoutException e = assertThrows(ReadDeadline.ReadTimeoutException.class,
                () -> d.check("after 3 pages"));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("limit of 1500ms (--read.timeout)"), e.getMessage());
        assertTrue(e.getMessage().contains("after 3 pages"), e.getMessage());
        assertTrue(ReadDeadline.after(Duration.ofMinutes(1), now::get).exceeded("x", null).getMessage().contains("limit of 1m"));
    }

    @Test
    void noDeadlineNeverPassesAndKeepsTheCallersLimit() {
        assertFalse(ReadDeadline.NONE.isBounded());
        assertFalse(ReadDeadline.NONE.passed());
        assertEquals(Duration.ofSeconds(70), ReadDeadline.NONE.remainingOr(Duration.ofSeconds(70)));
        assertThrows(IllegalArgumentException.class, () -> ReadDeadline.after(Duration.ZERO));
    }
}
