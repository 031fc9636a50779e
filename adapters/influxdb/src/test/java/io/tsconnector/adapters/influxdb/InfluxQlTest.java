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
    void aDoubleQuoteInAValueIsComparedByAnExactRegex() {
        // InfluxDB 3 prints '"' in a string as \" and then cannot read its own text
        assertEquals("\"v\" =~ /^say \"hi\"\\.$/", where(Matcher.eq("v", "say \"hi\".")));
        assertEquals("\"v\" !~ /^a\"b$/", where(Matcher.neq("v", "a\"b")));
    }

    @Test
    void regexesInfluxDb3ReadsAsRe2DoAreTold() {
        for (String alike : new String[] {"a.*|", "api|web", "\\.", "a\\/b", "\\pL+", "\\p{Greek}", "\\x41", "[[:digit:]]+",
                "a{2}", "a{1,5}", "a{3,}", "(?i)up", "\\Qa\\d{\\E"}) {
            assertEquals(true, InfluxSeriesReader.readAlike(alike), alike);
        }
        for (String other : new String[] {"\\d+", "a\\b", "\\Aa", "a\\z", "a\\tb", "\\w", "\\s", "\\012", "a{", "x{a}",
                "{", "x{,5}", "a{1,2", "(?:a{1000}){1000}", "a{101}", "(".repeat(60) + ")".repeat(60), "a".repeat(5000)}) {
            assertEquals(false, InfluxSeriesReader.readAlike(other), other);
        }
    }

    @Test
    void slicesCoverTheRangeWithNoneLongerThanAsked() {
        List<long[]> parts = InfluxSeriesReader.slices(0, 3 * InfluxSeriesReader.SLICE_MS, InfluxSeriesReader.SLICE_MS, 1);
        assertEquals(4, parts.size());
        long next = 0;
        for (long[] p : parts) {
            assertEquals(next, p[0]);
            org.junit.jupiter.api.Assertions.assertTrue(p[1] - p[0] + 1 <= InfluxSeriesReader.SLICE_MS);
            next = p[1] + 1;
        }
        assertEquals(3 * InfluxSeriesReader.SLICE_MS + 1, next);
        assertEquals(1, InfluxSeriesReader.slices(5, 5, InfluxSeriesReader.SLICE_MS, 4).size(), "never parts of no time");
        assertEquals(4, InfluxSeriesReader.slices(0, 99, Long.MAX_VALUE, 4).size());
        assertEquals(InfluxSeriesReader.MAX_STATEMENTS, InfluxSeriesReader.slices(0, Long.MAX_VALUE / 4, 1000, 1).size());
    }

    @Test
    void tagKeysAreReadFromShowTagKeys() throws Exception {
        java.util.Set<String> keys = new java.util.HashSet<>();
        InfluxSeriesReader.tagKeysOf(new java.io.ByteArrayInputStream(("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\","
                + "\"columns\":[\"tagKey\"],\"values\":[[\"job\"],[\"measure_name\"]]}]}]}{\"results\":[{\"statement_id\":0,"
                + "\"series\":[{\"name\":\"m\",\"columns\":[\"tagKey\"],\"values\":[[\"zone\",1]]}]}]}").getBytes()), "q", keys);
        assertEquals(java.util.Set.of("job", "measure_name", "zone"), keys);
        org.junit.jupiter.api.Assertions.assertThrows(io.tsconnector.application.RetryLaterException.class,
                () -> InfluxSeriesReader.tagKeysOf(new java.io.ByteArrayInputStream(new byte[0]), "q", keys), "a cut answer");
        org.junit.jupiter.api.Assertions.assertThrows(io.tsconnector.application.RetryLaterException.class,
                () -> InfluxSeriesReader.tagKeysOf(new java.io.ByteArrayInputStream(("{\"results\":[{\"statement_id\":0,"
                        + "\"series\":[{\"name\":\"m\",\"columns\":[\"tagKey\"],\"values\":[[\"a\"]],\"partial\":true}],"
                        + "\"partial\":true}]}").getBytes()), "q", keys), "a cut answer");
        org.junit.jupiter.api.Assertions.assertThrows(io.tsconnector.application.NeverRetryException.class,
                () -> InfluxSeriesReader.tagKeysOf(new java.io.ByteArrayInputStream(
                        "{\"results\":[{\"statement_id\":0,\"error\":\"database not found: x\"}]}".getBytes()), "q", keys));
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
