package io.tsconnector.adapters.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionLimitTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000_000 * MS);

    /** One window of eight answered writes of {@code millis} each, with the limit reached in it or not. */
    private void window(AdmissionLimit a, boolean fill, long millis) {
        if (fill) {
            while (a.tryAcquire()) {
                // take every permit, so the limit is reached in this window
            }
            assertFalse(a.tryAcquire());
        }
        // seven answers, then the eighth once the window's time is over: it closes the window
        for (int i = 0; i < 8; i++) {
            now.addAndGet(i < 7 ? MS : AdmissionLimit.WINDOW_MILLIS * MS);
            a.writeAnswered(millis * MS);
        }
        if (fill) {
            while (a.inFlight() > 0) {
                a.release();
            }
        }
    }

    @Test
    void permitsStopAtTheLimitAndComeBackOnRelease() {
        AdmissionLimit a = new AdmissionLimit(3, 1, now::get);
        assertTrue(a.tryAcquire());
        assertTrue(a.tryAcquire());
        assertTrue(a.tryAcquire());
        assertFalse(a.tryAcquire());
        a.release();
        assertTrue(a.tryAcquire());
        assertEquals(3, a.inFlight());
    }

    @Test
    void queueingWritesLowerTheLimitAndFastOnesRaiseItAgain() {
        AdmissionLimit a = new AdmissionLimit(256, 16, now::get);
        window(a, false, 40); // the store's pace: 40 ms
        assertEquals(256, a.limit());
        window(a, true, 3_000);
        assertEquals(192, a.limit(), "three quarters of the requests in flight");
        for (int i = 0; i < 9; i++) {
            window(a, true, 3_000);
        }
        assertEquals(16, a.limit(), "never below the lowest limit");
        // at the lowest limit writes still take 3 s: that is the store's pace now, the target 4.5 s
        window(a, true, 3_000);
        assertEquals(18, a.limit(), "an eighth more");
        window(a, true, 100); // the store is fast again: the target is 1 s again
        assertEquals(20, a.limit());
        window(a, true, 900); // under the target, over four fifths of it: unchanged
        assertEquals(20, a.limit());
        window(a, true, 1_500);
        assertEquals(16, a.limit());
        for (int i = 0; i < 40; i++) {
            window(a, false, 50);
        }
        assertEquals(256, a.limit(), "never above the highest limit");
    }

    @Test
    void aSlowStoreWithoutQueueingKeepsTheLimit() {
        AdmissionLimit a = new AdmissionLimit(256, 16, now::get);
        for (int i = 0; i < 10; i++) {
            window(a, true, 2_500); // every write takes 2.5 s, however many are in flight
        }
        assertEquals(256, a.limit());
    }

    @Test
    void aStoreThatIsSlowOnItsOwnRaisesTheTarget() {
        AdmissionLimit a = new AdmissionLimit(256, 16, now::get);
        window(a, false, 1_500); // the store takes 1.5 s per write by itself
        window(a, true, 2_000); // queueing adds 0.5 s: under one and a half times the store's pace
        assertEquals(256, a.limit());
        window(a, true, 2_500);
        assertEquals(192, a.limit());
    }

    @Test
    void aStoreTurningSlowGetsItsPermitsBackOnceItsPaceIsKnown() {
        AdmissionLimit a = new AdmissionLimit(256, 16, now::get);
        window(a, true, 40);
        int lowest = a.limit();
        for (int i = 0; i < 12; i++) {
            window(a, true, 2_000); // every call now takes 2 s: first taken for queueing
            lowest = Math.min(lowest, a.limit());
        }
        assertEquals(16, lowest);
        for (int i = 0; i < 40; i++) {
            window(a, true, 2_000); // at the lowest limit it still takes 2 s: the store's pace, target 3 s
        }
        assertEquals(256, a.limit());
    }

    @Test
    void aLongOverloadDoesNotRaiseTheTargetByItsOwnWaits() {
        AdmissionLimit a = new AdmissionLimit(256, 16, now::get);
        window(a, false, 40);
        for (int i = 0; i < 400; i++) { // 100 s of queueing at 1.2 s
            window(a, true, 1_200);
            if (a.limit() < 64) {
                window(a, true, 400); // relief when the limit is low, as under a real controller
            }
        }
        assertTrue(a.limit() < 256, "the limit stays down while writes queue past the target: " + a.limit());
    }

    @Test
    void limitsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new AdmissionLimit(4, 5, now::get));
        assertThrows(IllegalArgumentException.class, () -> new AdmissionLimit(0, 0, now::get));
    }
}
