package io.tsconnector.adapters.timestreamlocal;

/**
 * Formats epoch milliseconds as Timestream's time text, {@code yyyy-MM-dd HH:mm:ss.SSSSSSSSS} (UTC), straight from
 * the number: a read formats a time for every row, and the rows of a series mostly share their day, whose text is
 * kept. One instance per cursor (not thread-safe).
 */
final class MillisText {
    private static final long DAY_MILLIS = 86_400_000L;
    private long day = Long.MIN_VALUE;
    private final char[] text = new char[29];

    /** The text of {@code millis}, which must be 0 or more (times of the points table). */
    String format(long millis) {
        long d = millis / DAY_MILLIS;
        if (d != day) {
            day = d;
            date(d);
        }
        int ms = (int) (millis - d * DAY_MILLIS);
        int seconds = ms / 1000;
        put(11, seconds / 3600, 2);
        put(14, seconds / 60 % 60, 2);
        put(17, seconds % 60, 2);
        put(20, ms % 1000, 3);
        return new String(text);
    }

    /** Writes {@code yyyy-MM-dd HH:mm:ss.000000000} with the date of an epoch day (H. Hinnant's civil_from_days). */
    private void date(long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int dayOfMonth = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        put(0, year, 4);
        text[4] = '-';
        put(5, month, 2);
        text[7] = '-';
        put(8, dayOfMonth, 2);
        text[10] = ' ';
        text[13] = ':';
        text[16] = ':';
        text[19] = '.';
        put(23, 0, 6);
    }

    private void put(int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
