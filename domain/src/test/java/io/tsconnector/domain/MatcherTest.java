package io.tsconnector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatcherTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // type, matcher value, label value (null = absent), expected
                Arguments.of(MatchType.EQ, "x", "x", true),
                Arguments.of(MatchType.EQ, "x", "xy", false),
                Arguments.of(MatchType.EQ, "", null, true),
                Arguments.of(MatchType.EQ, "", "x", false),
                Arguments.of(MatchType.NEQ, "x", null, true),
                Arguments.of(MatchType.NEQ, "x", "x", false),
                Arguments.of(MatchType.NEQ, "", null, false),
                Arguments.of(MatchType.NEQ, "", "a", true),
                Arguments.of(MatchType.RE, "a.*", "abc", true),
                Arguments.of(MatchType.RE, "b", "abc", false),
                Arguments.of(MatchType.RE, "a|b", "ab", false),
                Arguments.of(MatchType.RE, "a|b", "b", true),
                Arguments.of(MatchType.RE, ".*", null, true),
                Arguments.of(MatchType.RE, ".+", null, false),
                Arguments.of(MatchType.RE, "x|", null, true),
                Arguments.of(MatchType.RE, "(?i)ABC", "abc", true),
                Arguments.of(MatchType.RE, "a.c", "a\nc", false),
                Arguments.of(MatchType.RE, "abc", "abc\n", false),
                Arguments.of(MatchType.RE, "(?P<n>a)b", "ab", true),
                Arguments.of(MatchType.RE, "\\d+", "123", true),
                Arguments.of(MatchType.RE, "[[:alpha:]]+", "abc", true),
                Arguments.of(MatchType.RE, "é.", "éa", true),
                Arguments.of(MatchType.NRE, "a.*", "abc", false),
                Arguments.of(MatchType.NRE, "a.*", null, true),
                Arguments.of(MatchType.NRE, ".*", null, false),
                Arguments.of(MatchType.NRE, "", null, false),
                Arguments.of(MatchType.NRE, "", "x", true));
    }

    @ParameterizedTest(name = "{0} \"{1}\" on {2} -> {3}")
    @MethodSource("cases")
    void matchesLikePrometheus(MatchType type, String value, String labelValue, boolean expected) {
        Matcher m = new Matcher(type, "l", value);
        assertEquals(expected, m.matches(labelValue));
        Labels labels = labelValue == null ? Labels.of("__name__", "m") : Labels.of("__name__", "m", "l", labelValue);
        assertEquals(expected, m.matches(labels));
    }

    @ParameterizedTest
    @MethodSource("invalidRegexes")
    void invalidRegexIsRejectedWithTheMatcherInTheMessage(String regex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matcher.re("job", regex));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("job=~"), e.getMessage());
    }

    static Stream<String> invalidRegexes() {
        return Stream.of("(", "a)", "[a", "a{2,1}", "(?=a)", "a++", "\\1");
    }
}
