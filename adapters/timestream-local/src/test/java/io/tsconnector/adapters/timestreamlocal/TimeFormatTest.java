package io.tsconnector.adapters.timestreamlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeFormatTest {
    @Test
    void fastFormatterWritesExactlyWhatTheFormatPatternWrites() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong() % 253_402_300_799L;
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.abs(seconds), random.nextInt(1_000_000_000), ZoneOffset.UTC);
            assertEquals(QueryEngine.TIME_FORMAT.format(t), QueryEngine.formatTime(t));
        }
        LocalDateTime epoch = LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC);
        assertEquals("1970-01-01 00:00:00.000000000", QueryEngine.formatTime(epoch));
        LocalDateTime far = LocalDateTime.of(12000, 1, 1, 0, 0);
        assertEquals(QueryEngine.TIME_FORMAT.format(far), QueryEngine.formatTime(far));
    }
}
