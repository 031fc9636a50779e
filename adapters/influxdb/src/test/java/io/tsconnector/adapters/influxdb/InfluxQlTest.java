package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SeriesQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The InfluxQL text of matchers: quoting, anchoring, the metric name tag, reserved names. */
class InfluxQlTest {
    private static String where(Matcher m) {
        return InfluxQl.condition(m);
    }

    @Test
    void matchersTranslateOneToOneWithAnchoredRegexes() {
        assertEquals("\"measure_name\" = 'up'", where(Matcher.eq("__name__", "up")));
        assertEquals("\"job\" != ''", where(Matcher.neq("job", "")));
        assertEquals("\"job\" =~ /^(?:a.*|)$/", where(Matcher.re("job", "a.*|")));
        assertEquals("\"job\" !~ /^(?:x)$/", where(Matcher.nre("job", "x")));
    }

    @Test
    void literalsIdentifiersAndRegexesAreEscaped() {
        assertEquals("\"it\\\"s\" = 'a\\'b\\\\c\\n'", where(Matcher.eq("it\"s", "a'b\\c\n")));
        assertEquals("\"p\" =~ /^(?:\\/a\\/b\\/)$/", where(Matcher.re("p", "/a\\/b/")), "slashes, escaped or not");
        assertEquals("\"p\" =~ /^(?:a\\\\b\\.c)$/", where(Matcher.re("p", "a\\\\b\\.c")), "other escapes kept");
    }

    @Test
    void carriageReturnsAndQuotedPartsAreSpelledSoInfluxQlPassesThemOn() {
        assertEquals("\"v\" =~ /^a\\x0Db\\.$/", where(Matcher.eq("v", "a\rb.")), "no string literal can hold a CR");
        assertEquals("\"v\" !~ /^a\\x0Db\\.$/", where(Matcher.neq("v", "a\rb.")));
        assertEquals("\"v\" =~ /^(?:x\\x0D\\n)$/", where(Matcher.re("v", "x\r\n")));
        assertEquals("\"v\" =~ /^(?:(?:a\\\\\\/\\*)b)$/", where(Matcher.re("v", "\\Qa\\/*\\Eb")));
    }

    @Test
    void reservedNamesAreAbsentLabels() {
        assertEquals("TRUE", where(Matcher.eq("time", "")));
        assertEquals("FALSE", where(Matcher.eq("measure_value::double", "1")));
        assertNull(InfluxQl.select("m", SeriesQuery.of(0, 10, Matcher.eq("time", "1"))), "no point can match");
    }

    @Test
    void selectHasTheTimeRangeInMillisecondsAndGroupsByEveryTag() {
        assertEquals("SELECT \"measure_value::double\" FROM \"my table\" WHERE time >= 1000ms AND time <= 2000ms"
                + " AND \"measure_name\" = 'up' GROUP BY *",
                InfluxQl.select("my table", SeriesQuery.of(1000, 2000, Matcher.eq("__name__", "up"), Matcher.neq("time", "x"))));
        assertNull(InfluxQl.select("m", SeriesQuery.of(5, 4)), "empty range");
        assertEquals("SELECT \"measure_value::double\" FROM \"m\" WHERE time >= " + InfluxQl.MIN_TIME_MS + "ms AND time <= "
                + InfluxQl.MAX_TIME_MS + "ms GROUP BY *", InfluxQl.select("m", SeriesQuery.of(Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    @Test
    void firstCountAndSeriesStatementsNameTheirSeriesExactly() {
        assertEquals("SELECT first(\"measure_value::double\") FROM \"m\" WHERE time >= 1ms AND time <= 2ms"
                + " AND \"measure_name\" = 'up' GROUP BY *", InfluxQl.first("m", SeriesQuery.of(1, 2, Matcher.eq("__name__", "up"))));
        assertEquals("SELECT count(\"measure_value::double\") FROM \"m\" WHERE time >= 1ms AND time <= 2ms"
                + " AND \"measure_name\" = 'up' GROUP BY * SLIMIT 32",
                InfluxQl.count("m", SeriesQuery.of(1, 2, Matcher.eq("__name__", "up")), 32));
        assertNull(InfluxQl.first("m", SeriesQuery.of(2, 1)));
        assertNull(InfluxQl.count("m", SeriesQuery.of(2, 1), 32));
        assertEquals("SELECT \"measure_value::double\" FROM \"m\" WHERE time >= 1ms AND time <= 2ms"
                + " AND \"measure_name\" = 'up' AND \"a b\" = 'it\\'s' AND \"c\" =~ /^x\\x0Dy$/ AND \"zone\" = '' GROUP BY *",
                InfluxQl.series("m", 1, 2, new String[] {"measure_name", "a b", "c"}, new String[] {"up", "it's", "x\ry"},
                        List.of("zone")));
    }
}
