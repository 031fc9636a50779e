package io.tsconnector.adapters.timestreamlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MillisTextTest {
    private static String reference(long millis) {
        return QueryEngine.formatTime(H2Store.toTime(millis * 1_000_000L));
    }

    @Test
    void writesWhatTheTimestampFormatterWritesForEveryKeyTime() {
        MillisText text = new MillisText();
        Random random = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            long millis = Math.floorMod(random.nextLong(), Catalog.KEY_TIME_LIMIT);
            assertEquals(reference(millis), text.format(millis));
        }
        // one series read in time order, across days, months, leap days and years
        for (long millis = 946_598_400_000L; millis < 951_955_200_000L; millis += 3_599_999L) {
            assertEquals(reference(millis), text.format(millis));
        }
        for (long millis : new long[] {0, 1, 86_399_999, 86_400_000, 951_782_400_000L, 4_102_444_800_000L, Catalog.KEY_TIME_LIMIT - 1}) {
            assertEquals(reference(millis), text.format(millis));
            assertEquals(reference(millis), new MillisText().format(millis));
        }
    }
}
