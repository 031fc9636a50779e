package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalTextTest {
    private static void same(String text) {
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(DecimalText.parse(text)), text);
    }

    @Test
    void agreesWithParseDoubleOnTheTextOfRandomDoubles() {
        SplittableRandom r = new SplittableRandom(14);
        for (int i = 0; i < 200_000; i++) {
            same(Double.toString(Double.longBitsToDouble(r.nextLong())));
            same(Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(-30, 30))));
        }
    }

    @Test
    void agreesWithParseDoubleOnShortDecimals() {
        SplittableRandom r = new SplittableRandom(15);
        for (int i = 0; i < 200_000; i++) {
            long m = r.nextLong(0, 1L << r.nextInt(1, 63));
            String digits = Long.toString(m);
            int point = r.nextInt(0, digits.length() + 1);
            String text = (r.nextBoolean() ? "-" : "") + digits.substring(0, point) + "." + digits.substring(point)
                    + (r.nextInt(4) == 0 ? "E" + r.nextInt(-40, 40) : "");
            same(text);
            same(Double.toString(m / 4.0));
        }
    }

    @Test
    void agreesWithParseDoubleOnEdgeForms() {
        for (String s : List.of("0", "-0", "0.0", "-0.0", "1", "1.", ".5", "-.5", "+2.5", "1e5", "1E+5", "1E-5",
                "9007199254740992", "9007199254740993", "9007199254740993.0", "123456789012345678901234",
                "0.000000000000000000000000001", "1.0E22", "1.0E23", "1.0E-22", "1.0E-23", "4.9E-324",
                "1.7976931348623157E308", "NaN", "-Infinity", "Infinity", "1.0d", "2.5f", " 1.5", "1.5 ",
                "00012.5000", "1.0E0000000000000000001")) {
            same(s);
        }
    }

    @Test
    void rejectsWhatParseDoubleRejects() {
        for (String s : List.of("", ".", "-", "1e", "1e+", "abc", "1..2", "1.2.3", "--1", "1e5.5")) {
            assertThrows(NumberFormatException.class, () -> DecimalText.parse(s), s);
            assertThrows(NumberFormatException.class, () -> Double.parseDouble(s), s);
        }
    }
}
