package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonBufferTest {
    private static String text(double v) {
        return new JsonBuffer(8).writeDouble(v).toString();
    }

    private static void roundTrips(double v) {
        String s = text(v);
        assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Double.parseDouble(s)), v + " written as " + s);
    }

    @Test
    void valuesReadBackBitForBit() {
        double[] special = {0.0, -0.0, 1, -1, 0.1, 0.05, 0.5, 7, 123.45, -123.45, 1e-9, 1e300, -1e300, Double.MIN_VALUE,
            Double.MAX_VALUE, -Double.MIN_NORMAL, 9_007_199_254_740_993.0, 9_007_199_254_740_992.0, 0.1 + 0.2,
            664_395_327.25, 1e7, 123_456_789.123456, 4503599627370496.5, 1.0 / 3, 2.0 / 3, 1e15, 1e16, 1e22, 1e23};
        for (double v : special) {
            roundTrips(v);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            double any = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(any)) { // the validator lets no NaN or infinity through to the writer
                roundTrips(any);
            }
            roundTrips(random.nextInt(1_000_000_000) / 100.0);
            roundTrips(random.nextInt() / 1000.0);
            roundTrips(random.nextDouble() * Math.pow(10, random.nextInt(-20, 20)));
        }
    }

    @Test
    void shortDecimalsAreWrittenAsTheirDigits() {
        assertEquals("0.0", text(0.0));
        assertEquals("-0.0", text(-0.0));
        assertEquals("7.0", text(7));
        assertEquals("-7.0", text(-7));
        assertEquals("123.45", text(123.45));
        assertEquals("0.05", text(0.05));
        assertEquals("0.5", text(0.5));
        assertEquals("664395327.25", text(664_395_327.25));
        assertEquals("10000000.0", text(1e7));
        assertEquals(Double.toString(0.1 + 0.2), text(0.1 + 0.2));
    }

    @Test
    void longsAreWrittenInDecimal() {
        for (long v : new long[] {0, 1, -1, 9, 10, 1_795_595_300_000L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(Long.toString(v), new JsonBuffer(1).writeLong(v).toString());
        }
    }
}
