package io.tsconnector.adapters.influxdb;

import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SampleValidator;
import io.tsconnector.domain.SeriesQuery;

/**
 * Pure InfluxQL generation for remote read, with Prometheus' matcher semantics.
 *
 * <p>InfluxQL already reads an absent tag as the empty string, in {@code =}, {@code !=}, {@code =~} and
 * {@code !~} alike (checked against influxd), which is Prometheus' rule; so a matcher translates one to
 * one, except that regexes are anchored as Prometheus anchors them ({@code /^(?:re)$/}: InfluxQL regexes
 * are Go's RE2, like Prometheus', but unanchored) and {@code __name__} is the tag {@code measure_name}.
 * A value with a carriage return is compared by an exact regex, since InfluxQL cannot spell it in a string.
 * Names reserved by the layout ({@code time}, {@code measure_name}, {@code measure_value*}, {@code ts_*})
 * are never tags the connector writes, so a matcher on them sees an absent label.
 */
public final class InfluxQl {
    private static final String TRUE = "TRUE";
    private static final String FALSE = "FALSE";

    /** InfluxDB's time range: signed 64-bit nanoseconds, less the two values it reserves. */
    static final long MIN_TIME_MS = (Long.MIN_VALUE + 2) / 1_000_000;
    static final long MAX_TIME_MS = (Long.MAX_VALUE - 1) / 1_000_000;

    private InfluxQl() {
    }

    /**
     * The SELECT for the samples of a query on one measurement, or null when no point can match.
     * {@code GROUP BY *} returns each series with all its tags.
     */
    public static String select(String measurement, SeriesQuery query) {
        return selectOf(identifier(LineProtocol.FIELD), measurement, query);
    }

    /**
     * The SELECT of the first point of each series matching the query in its range, or null when no point can
     * match: the series that have a point there, with their tags. An aggregate, which InfluxDB answers without
     * merging the series' points into one stream, and a selector, which reads one block of each series
     * (a {@code count()} reads all of them, four times the cost for 1,000 points a series on InfluxDB 1.6).
     */
    public static String first(String measurement, SeriesQuery query) {
        return selectOf("first(" + identifier(LineProtocol.FIELD) + ")", measurement, query);
    }

    /**
     * The SELECT of how many points the first {@code series} series (by their tags) matching the query have in
     * its range, or null when no point can match: a sample, to estimate the points a series has.
     */
    public static String count(String measurement, SeriesQuery query, int series) {
        String q = selectOf("count(" + identifier(LineProtocol.FIELD) + ")", measurement, query);
        return q == null ? null : q + " SLIMIT " + series;
    }

    private static String selectOf(String what, String measurement, SeriesQuery query) {
        long start = Math.max(query.startMs(), MIN_TIME_MS);
        long end = Math.min(query.endMs(), MAX_TIME_MS);
        if (start > end) {
            return null;
        }
        StringBuilder q = head(what, measurement, start, end);
        for (Matcher m : query.matchers()) {
            String c = condition(m);
            if (c.equals(FALSE)) {
                return null;
            }
            if (!c.equals(TRUE)) {
                q.append(" AND ").append(c);
            }
        }
        return q.append(" GROUP BY *").toString();
    }

    private static StringBuilder head(String what, String measurement, long start, long end) {
        return new StringBuilder(128).append("SELECT ").append(what).append(" FROM ").append(identifier(measurement))
                .append(" WHERE time >= ").append(start).append("ms AND time <= ").append(end).append("ms");
    }

    /**
     * The SELECT of the points of one series in {@code [startMs, endMs]} (within InfluxDB's range), named by
     * all its tags as InfluxDB returned them, and by the tags {@code absent} it does not have, which other
     * series of the same query have besides all of its own: so it matches that series and no other of them.
     */
    public static String series(String measurement, long startMs, long endMs, String[] tagKeys, String[] tagValues,
                                Iterable<String> absent) {
        StringBuilder q = head(identifier(LineProtocol.FIELD), measurement, startMs, endMs);
        for (int i = 0; i < tagKeys.length; i++) {
            q.append(" AND ").append(equal(identifier(tagKeys[i]), tagValues[i], true, false));
        }
        for (String key : absent) {
            q.append(" AND ").append(identifier(key)).append(" = ''");
        }
        return q.append(" GROUP BY *").toString();
    }

    /** The condition of one matcher, or the literal TRUE / FALSE when it does not depend on the point. */
    static String condition(Matcher m) {
        String v = m.value();
        String tag;
        if (m.name().equals(Labels.METRIC_NAME)) {
            tag = identifier(LineProtocol.MEASURE_NAME);
        } else if (SampleValidator.isReserved(m.name())) {
            return m.matchesAbsent() ? TRUE : FALSE;
        } else if (timeLike(m.name())) {
            return TRUE; // InfluxQL reads it as the time column: the reader decides it on the series found
        } else {
            tag = identifier(m.name());
        }
        return switch (m.type()) {
            // InfluxDB 3 prints a statement back to text before it runs it, a '"' in a string as \", which
            // its parser then refuses: such a value is compared with an exact regex, which it prints as it is
            case EQ -> equal(tag, v, true, v.indexOf('"') >= 0);
            case NEQ -> equal(tag, v, false, v.indexOf('"') >= 0);
            case RE -> tag + " =~ " + regex(v);
            case NRE -> tag + " !~ " + regex(v);
        };
    }

    /**
     * Whether InfluxQL reads a tag key as the time column: it takes {@code time} in any case ({@code Time},
     * {@code TIME}) as time in a condition, so a condition on such a tag cannot be written.
     */
    static boolean timeLike(String key) {
        return key.equalsIgnoreCase("time");
    }

    /** {@code tag = 'value'} (or {@code !=}), or the exact regex of the value when {@code asRegex}. */
    private static String equal(String tag, String value, boolean equal, boolean asRegex) {
        if (asRegex || value.indexOf('\r') >= 0) {
            // InfluxQL reads a carriage return anywhere in a statement as a newline, and a string literal
            // has no escape for it: compare with the regex that matches exactly the value (it is not empty)
            return tag + (equal ? " =~ " : " !~ ") + "/^" + exactRegex(value) + "$/";
        }
        return tag + (equal ? " = " : " != ") + literal(value);
    }

    /** A double-quoted identifier; InfluxQL reads {@code \"} and {@code \\} inside it. */
    static String identifier(String name) {
        return quote(name, '"');
    }

    /** A single-quoted string literal; InfluxQL reads {@code \'}, {@code \\} and {@code \n} inside it. */
    static String literal(String value) {
        return quote(value, '\'');
    }

    /** An RE2 regex matching exactly the text: metacharacters escaped, control characters as hex escapes. */
    static String exactRegex(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02X", (int) c));
            } else if (c == '/') {
                sb.append("\\/");
            } else {
                if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String quote(String s, char q) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c == q) {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
            }
        }
        return sb.append(q).toString();
    }

    /**
     * The regex literal {@code /^(?:re)$/}. InfluxQL's scanner turns {@code \/} into {@code /}, keeps every
     * other backslash pair as it is and reads a raw carriage return as a newline; so a slash becomes
     * {@code \/}, raw line breaks become RE2 escapes, and a quoted {@code \Q...\E} part (where RE2 would take a
     * backslash before a slash literally, which the scanner cannot pass on) is spelled as escaped literal text.
     */
    static String regex(String re2) {
        StringBuilder sb = new StringBuilder(re2.length() + 10).append("/^(?:");
        for (int i = 0; i < re2.length(); i++) {
            char c = re2.charAt(i);
            if (c == '\\' && i + 1 < re2.length()) {
                char next = re2.charAt(++i);
                if (next == 'Q') {
                    int end = re2.indexOf("\\E", i + 1);
                    sb.append("(?:").append(exactRegex(re2.substring(i + 1, end < 0 ? re2.length() : end))).append(')');
                    i = end < 0 ? re2.length() : end + 1;
                } else if (next == '/') {
                    sb.append("\\/");
                } else if (next == '\r' || next == '\n') {
                    sb.append(next == '\r' ? "\\x0D" : "\\n");
                } else {
                    sb.append('\\').append(next);
                }
            } else if (c == '/') {
                sb.append("\\/");
            } else if (c == '\r' || c == '\n') {
                sb.append(c == '\r' ? "\\x0D" : "\\n");
            } else {
                sb.append(c);
            }
        }
        return sb.append(")$/").toString();
    }
}
