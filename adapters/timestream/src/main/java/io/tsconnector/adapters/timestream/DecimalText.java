package io.tsconnector.adapters.timestream;

/**
 * Adapter helper: parses the decimal text of Timestream's DOUBLE values, exactly as {@link Double#parseDouble}.
 *
 * <p>A remote read parses one value per sample, and {@code Double.parseDouble} was the largest single cost of
 * reading a page. Most values are short decimals ({@code 1234.75}, {@code 1.5E7}): when the digits form an
 * integer below 2^53 and the decimal exponent is within +-22, both the integer and the power of ten are exact
 * doubles, so one multiplication or division gives the correctly rounded result (Clinger's fast path).
 * Everything else (longer mantissas, large exponents, NaN, Infinity, odd forms) goes to {@code Double.parseDouble}.
 */
final class DecimalText {
    private static final long MAX_EXACT = 1L << 53;
    private static final double[] POWERS = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = p;
            p *= 10;
        }
    }

    private DecimalText() {
    }

    static double parse(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean any = false;
        boolean point = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                any = true;
                if (mantissa == 0 && c == '0') {
                    // leading zeros add no significant digit
                } else if (++digits > 17) {
                    return Double.parseDouble(s);
                } else {
                    mantissa = mantissa * 10 + (c - '0');
                }
                if (point) {
                    scale--;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (!any) {
            return Double.parseDouble(s);
        }
        if (i < n) {
            char c = s.charAt(i);
            if ((c != 'E' && c != 'e') || ++i >= n) {
                return Double.parseDouble(s);
            }
            boolean negativeExponent = false;
            if (s.charAt(i) == '-' || s.charAt(i) == '+') {
                negativeExponent = s.charAt(i) == '-';
                if (++i >= n) {
                    return Double.parseDouble(s);
                }
            }
            int exponent = 0;
            for (; i < n; i++) {
                char d = s.charAt(i);
                if (d < '0' || d > '9' || exponent > 1000) {
                    return Double.parseDouble(s);
                }
                exponent = exponent * 10 + (d - '0');
            }
            scale += negativeExponent ? -exponent : exponent;
        }
        if (mantissa > MAX_EXACT || scale < -22 || scale > 22) {
            return Double.parseDouble(s);
        }
        double v = scale >= 0 ? mantissa * POWERS[scale] : mantissa / POWERS[-scale];
        return negative ? -v : v;
    }
}
