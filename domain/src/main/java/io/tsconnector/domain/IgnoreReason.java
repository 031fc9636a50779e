package io.tsconnector.domain;

/**
 * Why a sample was not stored; {@link #metricLabel()} is the {@code reason} label of
 * {@code timestream_connector_ignored_samples_total}.
 */
public enum IgnoreReason {
    LONG_METRIC_NAME("long_metric_name", ErrorName.LONG_LABEL_NAME, Policy.LONG_LABEL),
    LONG_LABEL_NAME("long_label_name", ErrorName.LONG_LABEL_NAME, Policy.LONG_LABEL),
    LONG_LABEL_VALUE("long_label_value", ErrorName.LONG_LABEL_NAME, Policy.LONG_LABEL),
    TOO_MANY_LABELS("too_many_labels", ErrorName.LONG_LABEL_NAME, Policy.LONG_LABEL),
    RESERVED_LABEL_NAME("reserved_label_name", ErrorName.LONG_LABEL_NAME, Policy.LONG_LABEL),
    /** A label the store cannot hold unaltered (InfluxDB line protocol: a newline, an ambiguous backslash). */
    UNSTORABLE_LABEL("unstorable_label", ErrorName.LONG_LABEL_NAME, Policy.LONG_LABEL),
    INVALID_SAMPLE_VALUE("invalid_sample_value", ErrorName.INVALID_SAMPLE_VALUE, Policy.SAMPLE_VALUE),
    /** Prometheus' staleness marker: normal whenever a series or target disappears. */
    STALE_MARKER("stale_marker", ErrorName.INVALID_SAMPLE_VALUE, Policy.SAMPLE_VALUE),
    /** A plain NaN of a summary quantile: normal for a summary with no observations in its window. */
    SUMMARY_NAN("summary_nan", ErrorName.INVALID_SAMPLE_VALUE, Policy.SAMPLE_VALUE),
    MISSING_METRIC_NAME("missing_metric_name", ErrorName.MISSING_METRIC_NAME, Policy.ALWAYS_REJECT),
    MISSING_DATABASE("missing_database", ErrorName.MISSING_DATABASE_WITH_WRITE, Policy.ALWAYS_REJECT),
    MISSING_TABLE("missing_table", ErrorName.MISSING_TABLE_WITH_WRITE, Policy.ALWAYS_REJECT),
    NATIVE_HISTOGRAM("native_histogram", null, Policy.ALWAYS_REJECT),
    EXEMPLAR("exemplar", null, Policy.ALWAYS_REJECT),
    /** The store rejected the record for good (Timestream RejectedRecords). */
    REJECTED_RECORDS("rejected_records", null, Policy.ALWAYS_REJECT);

    /** Which validation option decides what happens to a violation. */
    public enum Policy {
        /** {@code fail-on-long-label}: skip and count, or reject the request. */
        LONG_LABEL,
        /** {@code fail-on-invalid-sample-value}: skip and count, or reject the request. */
        SAMPLE_VALUE,
        /** Never storable: the rest is written and the request answers 400 so the loss is visible. */
        ALWAYS_REJECT
    }

    private final String metricLabel;
    private final ErrorName errorName;
    private final Policy policy;

    IgnoreReason(String metricLabel, ErrorName errorName, Policy policy) {
        this.metricLabel = metricLabel;
        this.errorName = errorName;
        this.policy = policy;
    }

    public String metricLabel() {
        return metricLabel;
    }

    /** The documented error name, or null for reasons the upstream documentation has no name for. */
    public ErrorName errorName() {
        return errorName;
    }

    public Policy policy() {
        return policy;
    }
}
