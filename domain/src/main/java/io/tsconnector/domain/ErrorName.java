package io.tsconnector.domain;

/** The error names users see in logs and responses, as documented in the Troubleshooting section. */
public enum ErrorName {
    LONG_LABEL_NAME("LongLabelNameError"),
    INVALID_SAMPLE_VALUE("InvalidSampleValueError"),
    MISSING_DATABASE_WITH_WRITE("MissingDatabaseWithWriteError"),
    MISSING_TABLE_WITH_WRITE("MissingTableWithWriteError"),
    MISSING_DATABASE_WITH_QUERY("MissingDatabaseWithQueryError"),
    MISSING_TABLE_WITH_QUERY("MissingTableWithQueryError"),
    MISSING_DESTINATION("MissingDestinationError"),
    PARSE_ENABLE_LOGGING("ParseEnableLoggingError"),
    PARSE_METRIC_LABEL("ParseMetricLabelError"),
    PARSE_SAMPLE_OPTION("ParseSampleOptionError"),
    MISSING_HEADER("MissingHeaderError"),
    UNSUPPORTED_REGEX("UnsupportedRegexError"),
    /** A series without {@code __name__}: Timestream needs a measure name (no counterpart in the seed). */
    MISSING_METRIC_NAME("MissingMetricNameError");

    private final String text;

    ErrorName(String text) {
        this.text = text;
    }

    /** The name as written in messages, e.g. {@code LongLabelNameError}. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
