package io.tsconnector.adapters.timestream;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SampleValidator;
import io.tsconnector.domain.SeriesQuery;
import java.util.function.Predicate;

/**
 * Pure SQL generation for remote read: a query with Prometheus' matcher semantics in Timestream's SQL
 * dialect. An absent label is a NULL dimension; a label that is no column of the table is absent.
 */
public final class TimestreamSql {
    /** Column that holds the metric name. */
    public static final String MEASURE_NAME = "measure_name";
    /** Column that holds the record time. */
    public static final String TIME = "time";
    /** Column that holds DOUBLE measure values. */
    public static final String DOUBLE_VALUE = "measure_value::double";

    private static final String TRUE = "TRUE";
    private static final String FALSE = "FALSE";

    /** Earliest time a Timestream record can have: the Unix epoch. */
    static final long MIN_TIME_MS = 0;
    /** Latest time Timestream can represent (nanoseconds in a signed 64-bit integer, in 2262). */
    static final long MAX_TIME_MS = Long.MAX_VALUE / 1_000_000;

    private TimestreamSql() {
    }

    /**
     * The query for the samples of a {@link SeriesQuery}, or null when no row can match (a condition on
     * a label that no record has, for instance), so no query needs to run.
     *
     * @param isColumn whether a label name is a dimension column of the table
     * @throws io.tsconnector.application.NeverRetryException INVALID for a regex Timestream cannot run
     */
    public static String select(Destination destination, SeriesQuery query, Predicate<String> isColumn) {
        long start = Math.max(query.startMs(), MIN_TIME_MS);
        long end = Math.min(query.endMs(), MAX_TIME_MS);
        if (start > end) {
            return null;
        }
        StringBuilder sql = new StringBuilder(128)
                .append("SELECT * FROM ").append(table(destination))
                .append(" WHERE ").append(TIME).append(" BETWEEN from_milliseconds(").append(start)
                .append(") AND from_milliseconds(").append(end).append(')');
        for (Matcher m : query.matchers()) {
            String c = condition(m, isColumn);
            if (c.equals(FALSE)) {
                return null;
            }
            if (!c.equals(TRUE)) {
                sql.append(" AND ").append(c);
            }
        }
        return sql.toString();
    }

    /** {@code DESCRIBE "db"."table"}: one row per column with its name first. */
    public static String describe(Destination destination) {
        return "DESCRIBE " + table(destination);
    }

    static String table(Destination destination) {
        return identifier(destination.database()) + "." + identifier(destination.table());
    }

    /** Whether the condition of a matcher depends on a dimension column, so its existence matters. */
    public static boolean needsColumn(Matcher m) {
        return !m.name().equals(Labels.METRIC_NAME) && !SampleValidator.isReserved(m.name());
    }

    /**
     * The SQL condition of one matcher, or the literal TRUE / FALSE when it does not depend on the row.
     */
    public static String condition(Matcher m, Predicate<String> isColumn) {
        String v = m.value();
        if (m.name().equals(Labels.METRIC_NAME)) {
            // every record has a measure name, so it is never absent
            return switch (m.type()) {
                case EQ -> v.isEmpty() ? FALSE : MEASURE_NAME + " = " + literal(v);
                case NEQ -> v.isEmpty() ? TRUE : MEASURE_NAME + " <> " + literal(v);
                case RE -> regexLike(MEASURE_NAME, v);
                case NRE -> "NOT " + regexLike(MEASURE_NAME, v);
            };
        }
        if (!needsColumn(m) || !isColumn.test(m.name())) {
            // reserved names are never dimensions: the label is absent from every series
            return m.matchesAbsent() ? TRUE : FALSE;
        }
        String col = identifier(m.name());
        return switch (m.type()) {
            case EQ -> v.isEmpty() ? col + " IS NULL" : col + " = " + literal(v);
            case NEQ -> v.isEmpty() ? col + " IS NOT NULL" : "(" + col + " IS NULL OR " + col + " <> " + literal(v) + ")";
            case RE -> m.matchesAbsent()
                    ? "(" + col + " IS NULL OR " + regexLike(col, v) + ")"
                    : regexLike(col, v);
            // NOT REGEXP_LIKE(NULL) is NULL, which drops absent labels exactly when the regex matches ""
            case NRE -> m.matchesAbsent()
                    ? "(" + col + " IS NULL OR NOT " + regexLike(col, v) + ")"
                    : "NOT " + regexLike(col, v);
        };
    }

    private static String regexLike(String column, String re2) {
        return "REGEXP_LIKE(" + column + ", " + literal(RegexTranslator.anchored(re2)) + ")";
    }

    /** A double-quoted identifier, {@code "} doubled. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A single-quoted string literal, {@code '} doubled; backslashes are plain characters in SQL. */
    public static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
