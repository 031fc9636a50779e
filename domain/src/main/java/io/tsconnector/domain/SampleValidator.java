package io.tsconnector.domain;

/**
 * Domain service: Timestream's storage rules for series and samples (LiveAnalytics quotas).
 *
 * <p>Names are checked in UTF-8 bytes: metric name (measure name) at most 256, label name (dimension
 * name) at most 60, label value (dimension value) at most 2048, at most 128 dimensions, and the names
 * Timestream reserves ({@code time}, {@code measure_name}, {@code measure_value*}, {@code ts_*}) are not
 * dimensions. Only finite values can be stored.
 */
public final class SampleValidator {
    public static final int MAX_MEASURE_NAME_BYTES = 256;
    public static final int MAX_DIMENSION_NAME_BYTES = 60;
    public static final int MAX_DIMENSION_VALUE_BYTES = 2048;
    public static final int MAX_DIMENSIONS = 128;
    /** The label of a summary's quantile series. */
    private static final String QUANTILE = "quantile";

    private SampleValidator() {
    }

    /**
     * Checks the labels a series is stored with (destination labels already removed).
     *
     * @return the first violation, or null when the series can be stored
     */
    public static Violation checkLabels(Labels stored) {
        String metric = stored.metricName();
        if (metric == null) {
            return new Violation(IgnoreReason.MISSING_METRIC_NAME, "series " + stored + " has no metric name (__name__)");
        }
        int metricBytes = utf8Length(metric);
        if (metricBytes > MAX_MEASURE_NAME_BYTES) {
            return new Violation(IgnoreReason.LONG_METRIC_NAME, "metric name '" + metric + "' is " + metricBytes
                    + " bytes and exceeds " + MAX_MEASURE_NAME_BYTES + " bytes, the maximum length supported by Timestream");
        }
        int dimensions = stored.size() - 1;
        if (dimensions > MAX_DIMENSIONS) {
            return new Violation(IgnoreReason.TOO_MANY_LABELS, "series " + stored + " has " + dimensions
                    + " labels besides __name__, more than the " + MAX_DIMENSIONS + " dimensions Timestream supports");
        }
        for (int i = 0; i < stored.size(); i++) {
            String name = stored.name(i);
            if (name.equals(Labels.METRIC_NAME)) {
                continue;
            }
            int nameBytes = utf8Length(name);
            if (nameBytes > MAX_DIMENSION_NAME_BYTES) {
                return new Violation(IgnoreReason.LONG_LABEL_NAME, "label name '" + name + "' of metric '" + metric
                        + "' is " + nameBytes + " bytes and exceeds " + MAX_DIMENSION_NAME_BYTES
                        + " bytes, the maximum length supported by Timestream");
            }
            if (isReserved(name)) {
                return new Violation(IgnoreReason.RESERVED_LABEL_NAME, "label name '" + name + "' of metric '" + metric
                        + "' is reserved by Timestream (time, measure_name, measure_value*, ts_*)");
            }
            int valueBytes = utf8Length(stored.value(i));
            if (valueBytes > MAX_DIMENSION_VALUE_BYTES) {
                return new Violation(IgnoreReason.LONG_LABEL_VALUE, "value of label '" + name + "' of metric '" + metric
                        + "' is " + valueBytes + " bytes and exceeds " + MAX_DIMENSION_VALUE_BYTES
                        + " bytes, the maximum length supported by Timestream");
            }
        }
        return null;
    }

    /** Whether Timestream reserves the name, so it cannot be a dimension. */
    public static boolean isReserved(String name) {
        return name.equals("time") || name.equals("measure_name") || name.startsWith("measure_value")
                || name.startsWith("ts_");
    }

    /** The reason a value cannot be stored, or null for a finite value. */
    public static IgnoreReason checkValue(double value) {
        if (Double.isFinite(value)) {
            return null;
        }
        return Sample.isStaleMarker(value) ? IgnoreReason.STALE_MARKER : IgnoreReason.INVALID_SAMPLE_VALUE;
    }

    /**
     * The reason a value of the series cannot be stored, or null for a finite value. A plain NaN of a series
     * with a {@code quantile} label is a summary with no observations (Prometheus exposes its quantiles as NaN,
     * its {@code _sum} and {@code _count} as 0), counted apart so that an alert on ignored samples can leave
     * it out with the staleness markers.
     */
    public static IgnoreReason checkValue(Labels labels, double value) {
        IgnoreReason reason = checkValue(value);
        if (reason == IgnoreReason.INVALID_SAMPLE_VALUE && Double.isNaN(value) && labels.get(QUANTILE) != null) {
            return IgnoreReason.SUMMARY_NAN;
        }
        return reason;
    }

    /** Length of the string in UTF-8 bytes, without encoding it. */
    public static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
