package io.tsconnector.adapters.timestreamlocal;

/**
 * The engine's text of a DOUBLE, exactly {@link Double#toString(double)}'s, written directly for the values
 * most metrics hold: multiples of 1/16 (whole numbers included) from 10^-3 to below 10^7. There the decimal
 * expansion is exact, at most 11 significant digits, so it is the one shortest text that reads back as the
 * value, which is what {@code Double.toString} writes in that range (the test compares the two); other values
 * take {@code Double.toString}.
 */
final class DoubleText {
    private DoubleText() {
    }

    static String format(double d) {
        double a = Math.abs(d);
        if (a >= 1e-3 && a < 1e7) {
            double sixteenths = a * 16;
            long m = (long) sixteenths;
            if (m == sixteenths) {
                return plain(d < 0, m >>> 4, (int) (m & 15) * 625);
            }
        }
        return Double.toString(d);
    }

    /** {@code [-]whole.fraction}, the fraction given as 4 digits (ten-thousandths) and written without trailing zeros. */
    private static String plain(boolean negative, long whole, int tenThousandths) {
        char[] c = new char[1 + 8 + 1 + 4];
        int at = c.length;
        int digits = 4;
        int f = tenThousandths;
        while (digits > 1 && f % 10 == 0) {
            f /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            c[--at] = (char) ('0' + f % 10);
            f /= 10;
        }
        c[--at] = '.';
        long w = whole;
        do {
            c[--at] = (char) ('0' + w % 10);
            w /= 10;
        } while (w != 0);
        if (negative) {
            c[--at] = '-';
        }
        return new String(c, at, c.length - at);
    }
}
