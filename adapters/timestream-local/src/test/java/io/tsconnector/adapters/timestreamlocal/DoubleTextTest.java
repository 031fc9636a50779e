package io.tsconnector.adapters.timestreamlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DoubleTextTest {
    private static void same(double d) {
        assertEquals(Double.toString(d), DoubleText.format(d), () -> "bits " + Long.toHexString(Double.doubleToRawLongBits(d)));
    }

    @Test
    void everySixteenthBelowTwoToTheSixteenWritesWhatDoubleToStringWrites() {
        for (long m = 0; m < 16L << 16; m++) {
            same(m / 16.0);
            same(-m / 16.0);
        }
    }

    @Test
    void randomValuesOfEveryKindWriteWhatDoubleToStringWrites() {
        Random random = new Random(11);
        for (int i = 0; i < 1_000_000; i++) {
            // sixteenths up to 10^7 and beyond, quarter-step sums as a gauge accumulates them, and arbitrary bits
            same(random.nextInt(16 * 11_000_000) / 16.0);
            same(Math.floor(random.nextDouble() * 1e8) * 0.25);
            same(Double.longBitsToDouble(random.nextLong()));
            same(random.nextDouble() * 1000);
        }
    }

    @Test
    void edgesOfTheDirectRange() {
        for (double d : new double[] {0.0, -0.0, 1e-3, 0.0625, -0.0625, 9_999_999.9375, 1e7, 1e7 - 1, 1e7 + 0.5, 0.1, 0.3,
            1.0 / 3, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Math.nextUp(1.0), Math.nextDown(1e7), 123_456.5, 1_000_000.0, 0.5}) {
            same(d);
        }
    }
}
