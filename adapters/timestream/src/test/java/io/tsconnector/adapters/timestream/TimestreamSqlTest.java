package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SeriesQuery;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TimestreamSqlTest {
    private static final Destination DEST = new Destination("db", "tbl");
    private static final Predicate<String> ALL = name -> true;
    private static final String HEAD =
            "SELECT * FROM \"db\".\"tbl\" WHERE time BETWEEN from_milliseconds(1000) AND from_milliseconds(2001)";

    static Stream<Arguments> conditions() {
        return Stream.of(
                Arguments.of(Matcher.eq("__name__", "up"), "measure_name = 'up'"),
                Arguments.of(Matcher.eq("__name__", ""), "FALSE"),
                Arguments.of(Matcher.neq("__name__", "up"), "measure_name <> 'up'"),
                Arguments.of(Matcher.neq("__name__", ""), "TRUE"),
                Arguments.of(Matcher.re("__name__", "up|down"), "REGEXP_LIKE(measure_name, '^(?:up|down)\\z')"),
                Arguments.of(Matcher.nre("__name__", "up"), "NOT REGEXP_LIKE(measure_name, '^(?:up)\\z')"),
                Arguments.of(Matcher.eq("job", "api"), "\"job\" = 'api'"),
                Arguments.of(Matcher.eq("job", ""), "\"job\" IS NULL"),
                Arguments.of(Matcher.neq("job", "api"), "(\"job\" IS NULL OR \"job\" <> 'api')"),
                Arguments.of(Matcher.neq("job", ""), "\"job\" IS NOT NULL"),
                Arguments.of(Matcher.re("job", "a.+"), "REGEXP_LIKE(\"job\", '^(?:a[^\\n]+)\\z')"),
                Arguments.of(Matcher.re("job", "a|"), "(\"job\" IS NULL OR REGEXP_LIKE(\"job\", '^(?:a|)\\z'))"),
                Arguments.of(Matcher.nre("job", "a+"), "(\"job\" IS NULL OR NOT REGEXP_LIKE(\"job\", '^(?:a+)\\z'))"),
                Arguments.of(Matcher.nre("job", "a*"), "NOT REGEXP_LIKE(\"job\", '^(?:a*)\\z')"),
                Arguments.of(Matcher.eq("it's", "o'clock"), "\"it's\" = 'o''clock'"),
                Arguments.of(Matcher.eq("say \"hi\"", "x"), "\"say \"\"hi\"\"\" = 'x'"),
                Arguments.of(Matcher.eq("path", "C:\\dir\\"), "\"path\" = 'C:\\dir\\'"),
                Arguments.of(Matcher.eq("städte", "Zürich ☃ 𝄞"), "\"städte\" = 'Zürich ☃ 𝄞'"),
                Arguments.of(Matcher.re("q", "it's"), "REGEXP_LIKE(\"q\", '^(?:it''s)\\z')"),
                // reserved names are never dimensions: the label is absent
                Arguments.of(Matcher.eq("time", "1"), "FALSE"),
                Arguments.of(Matcher.eq("measure_name", ""), "TRUE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void matcherCondition(Matcher m, String sql) {
        assertEquals(sql, TimestreamSql.condition(m, ALL));
    }

    static Stream<Arguments> absentColumn() {
        return Stream.of(
                Arguments.of(Matcher.eq("gone", "v"), "FALSE"),
                Arguments.of(Matcher.eq("gone", ""), "TRUE"),
                Arguments.of(Matcher.neq("gone", "v"), "TRUE"),
                Arguments.of(Matcher.neq("gone", ""), "FALSE"),
                Arguments.of(Matcher.re("gone", "v|"), "TRUE"),
                Arguments.of(Matcher.re("gone", "v+"), "FALSE"),
                Arguments.of(Matcher.nre("gone", "v+"), "TRUE"),
                Arguments.of(Matcher.nre("gone", ".*"), "FALSE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("absentColumn")
    void labelWithoutColumnIsAbsent(Matcher m, String sql) {
        assertEquals(sql, TimestreamSql.condition(m, Set.of("other")::contains));
    }

    @Test
    void selectJoinsConditionsAndKeepsMillisecondRange() {
        SeriesQuery q = SeriesQuery.of(1000, 2001, Matcher.eq("__name__", "up"), Matcher.neq("job", ""),
                Matcher.eq("gone", ""));
        assertEquals(HEAD + " AND measure_name = 'up' AND \"job\" IS NOT NULL",
                TimestreamSql.select(DEST, q, Set.of("job")::contains));
    }

    @Test
    void selectIsNullWhenNoRowCanMatch() {
        SeriesQuery q = SeriesQuery.of(1000, 2001, Matcher.eq("__name__", "up"), Matcher.eq("gone", "x"));
        assertNull(TimestreamSql.select(DEST, q, Set.of("job")::contains));
    }

    @Test
    void negativeAndLargeTimestamps() {
        SeriesQuery q = SeriesQuery.of(-5, 253_402_300_799_999L);
        assertEquals("SELECT * FROM \"db\".\"tbl\" WHERE time BETWEEN from_milliseconds(0) AND "
                + "from_milliseconds(9223372036854)", TimestreamSql.select(DEST, q, ALL), "clamped to what Timestream holds");
    }

    @Test
    void quotedTableIdentifiers() {
        assertEquals("DESCRIBE \"my\"\"db\".\"t.1\"", TimestreamSql.describe(new Destination("my\"db", "t.1")));
    }

    @Test
    void rangesBeyondWhatTimestreamCanHoldAreClamped() {
        io.tsconnector.domain.Destination d = new io.tsconnector.domain.Destination("db", "t");
        String sql = TimestreamSql.select(d, io.tsconnector.domain.SeriesQuery.of(Long.MIN_VALUE, Long.MAX_VALUE,
                io.tsconnector.domain.Matcher.eq("__name__", "up")), c -> true);
        assertTrue(sql.contains("BETWEEN from_milliseconds(0) AND from_milliseconds(9223372036854)"), sql);
        assertEquals(null, TimestreamSql.select(d, io.tsconnector.domain.SeriesQuery.of(-5000, -1,
                io.tsconnector.domain.Matcher.eq("__name__", "up")), c -> true), "nothing can be stored before 1970");
    }
}
