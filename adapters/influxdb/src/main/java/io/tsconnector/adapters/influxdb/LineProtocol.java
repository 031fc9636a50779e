package io.tsconnector.adapters.influxdb;

import io.tsconnector.domain.IgnoreReason;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.SampleValidator;
import io.tsconnector.domain.Violation;
import java.nio.charset.StandardCharsets;

/**
 * InfluxDB line protocol in the layout of AWS's LiveAnalytics migration: measurement = table, tags = labels,
 * tag {@code measure_name} = metric name, field {@code measure_value::double} = value, millisecond times.
 *
 * <p>Escaping: commas and spaces in the measurement; commas, equals signs and spaces in tag keys and
 * values. A backslash before any other character is a literal backslash for every v1-API server. What line
 * protocol cannot carry unaltered is refused, never rewritten: a newline (it ends the point and has no
 * escape), a tab (InfluxDB 3 ends a value there), a backslash before a backslash, comma, equals sign or
 * space, or at the end (InfluxDB 1.x and 2.x keep {@code \\} as two characters, InfluxDB 3 reads it as one),
 * a measurement starting with {@code #} (a comment line) or holding a NUL, a carriage return in a name
 * (InfluxQL could not name it in a query), the tag keys InfluxDB 2 reserves ({@code _field},
 * {@code _measurement}, {@code time}) and a series key over InfluxDB's 64 KiB less the field.
 */
final class LineProtocol {
    /** Tag holding the metric name, as LiveAnalytics names the measure name column. */
    static final String MEASURE_NAME = "measure_name";
    /** Field holding the value, as LiveAnalytics names a DOUBLE measure value column. */
    static final String FIELD = "measure_value::double";
    /**
     * InfluxDB refuses a series key (measurement and tags, escaped) longer than 65,535 bytes, and one whose
     * length with 4 bytes and the field's name is longer than that (2.x): so at most this.
     */
    static final int MAX_SERIES_KEY_BYTES = 65_535 - 4 - FIELD.length();
    /** Tag keys InfluxDB 2 refuses (its own columns, and the bytes it uses as bounds); 1.x drops {@code time}. */
    /** Measurement names InfluxQL keeps for its system sources: a SELECT from them is refused (1.x and 2.x). */
    private static final java.util.Set<String> SYSTEM_NAMES = java.util.Set.of("_fieldKeys", "_measurements", "_name",
            "_series", "_tagKey", "_tagKeys", "_tags");
    private static final java.util.Set<String> RESERVED_TAG_KEYS = java.util.Set.of("_field", "_measurement", "time", "\0");

    private static final byte[] FIELD_PREFIX = (" " + FIELD + "=").getBytes(StandardCharsets.US_ASCII);

    private LineProtocol() {
    }

    /** Why the text cannot be a tag key or value unaltered, or null when it can. */
    static String unwritable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return "it contains a newline, which line protocol cannot carry";
            }
            if (c == '\t') {
                return "it contains a tab, which ends a name or value in InfluxDB 3's line protocol";
            }
            if (c == '\\') {
                if (i + 1 == text.length()) {
                    return "it ends with a backslash, which line protocol would read as an escape";
                }
                char next = text.charAt(i + 1);
                if (next == '\\' || next == ',' || next == '=' || next == ' ') {
                    return "it has a backslash before '" + next + "', which InfluxDB versions read differently";
                }
            }
        }
        return null;
    }

    /** Why a table cannot be a measurement, or null when it can. */
    static String unwritableMeasurement(String table) {
        if (table.startsWith("#")) {
            return "a measurement starting with '#' would be a comment line";
        }
        if (SYSTEM_NAMES.contains(table)) {
            return "InfluxQL keeps '" + table + "' for a system measurement: it could be written but never read";
        }
        if (table.indexOf('\0') >= 0) {
            return "it contains a NUL character, which ends a measurement in InfluxDB 3's line protocol";
        }
        return unwritableName(table);
    }

    /** Why a text cannot be a tag key or measurement, which InfluxQL must also name, or null when it can. */
    static String unwritableName(String name) {
        if (name.indexOf('\r') >= 0) {
            return "it contains a carriage return, which InfluxQL reads as a newline in a name";
        }
        return unwritable(name);
    }

    /**
     * The violation that keeps a series (stored labels) out of InfluxDB, or null when it can be written; the
     * measurement's share of the series key is checked with the table ({@link #seriesKeyTooLong}).
     */
    static Violation check(Labels stored) {
        int keyBytes = 0;
        for (int i = 0; i < stored.size(); i++) {
            String name = stored.name(i);
            String value = stored.value(i);
            String why = RESERVED_TAG_KEYS.contains(name) ? "InfluxDB 2 refuses it as a tag key" : unwritableName(name);
            String what = "label name '" + name + "'";
            if (why == null) {
                why = unwritable(value);
                what = "value of label '" + name + "'";
            }
            if (why != null) {
                return new Violation(IgnoreReason.UNSTORABLE_LABEL, "the " + what + " of series " + stored
                        + " cannot be stored in InfluxDB unaltered: " + why);
            }
            // ",key=value" escaped, the metric name under its tag key
            keyBytes += 2 + escapedLength(name.equals(Labels.METRIC_NAME) ? MEASURE_NAME : name) + escapedLength(value);
        }
        if (keyBytes > MAX_SERIES_KEY_BYTES) {
            return tooLong(stored, keyBytes);
        }
        return null;
    }

    /** The violation of a series key (measurement and tags, as {@link #seriesKey} writes it) that is too long, or null. */
    static Violation seriesKeyTooLong(byte[] seriesKey, Labels stored) {
        return seriesKey.length > MAX_SERIES_KEY_BYTES ? tooLong(stored, seriesKey.length) : null;
    }

    private static Violation tooLong(Labels stored, int keyBytes) {
        return new Violation(IgnoreReason.UNSTORABLE_LABEL, "the series key of " + stored + " is " + keyBytes
                + " bytes, more than the " + MAX_SERIES_KEY_BYTES + " bytes InfluxDB accepts with the field "
                + FIELD);
    }

    private static int escapedLength(String s) {
        int n = SampleValidator.utf8Length(s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '=' || c == ' ') {
                n++;
            }
        }
        return n;
    }

    /** The escaped series key {@code measurement,tag=value,...} of a series, tags in name order. */
    static byte[] seriesKey(String measurement, Labels stored) {
        StringBuilder sb = new StringBuilder(64 + stored.size() * 24);
        escapeMeasurement(measurement, sb);
        // tags sorted by key, as InfluxDB stores them: the server need not sort them again
        String metric = stored.metricName();
        boolean nameWritten = false;
        for (int i = 0; i < stored.size(); i++) {
            String name = stored.name(i);
            if (name.equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (!nameWritten && metric != null && name.compareTo(MEASURE_NAME) > 0) {
                tag(MEASURE_NAME, metric, sb);
                nameWritten = true;
            }
            tag(name, stored.value(i), sb);
        }
        if (!nameWritten && metric != null) {
            tag(MEASURE_NAME, metric, sb);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void tag(String name, String value, StringBuilder sb) {
        sb.append(',');
        escapeTag(name, sb);
        sb.append('=');
        escapeTag(value, sb);
    }

    static void escapeMeasurement(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ') {
                sb.append('\\');
            }
            sb.append(c);
        }
    }

    static void escapeTag(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '=' || c == ' ') {
                sb.append('\\');
            }
            sb.append(c);
        }
    }

    /**
     * Appends one point: the series key, the field and the time in milliseconds. The value is written as
     * {@link Double#toString}, the shortest decimal that parses back to the same bits ({@code 1.0E300} and
     * {@code -0.0} included, which InfluxDB reads as floats).
     */
    static void appendPoint(byte[] seriesKey, double value, long timestampMs, Bytes out) {
        out.append(seriesKey);
        out.append(FIELD_PREFIX);
        out.appendAscii(Double.toString(value));
        out.append((byte) ' ');
        out.appendAscii(Long.toString(timestampMs));
        out.append((byte) '\n');
    }

    /** A growable byte buffer that hands out its array without copying. */
    static final class Bytes {
        private byte[] buf;
        private int size;

        Bytes(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void append(byte b) {
            ensure(1);
            buf[size++] = b;
        }

        void append(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void append(byte[] b, int offset, int length) {
            ensure(length);
            System.arraycopy(b, offset, buf, size, length);
            size += length;
        }

        void appendAscii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) s.charAt(i);
            }
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        int size() {
            return size;
        }

        byte[] array() {
            return buf;
        }
    }
}
