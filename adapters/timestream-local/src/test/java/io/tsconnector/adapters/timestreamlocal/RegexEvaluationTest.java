package io.tsconnector.adapters.timestreamlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** REGEXP_LIKE of the local engine: RE2J where it finds what Java finds, Java's bounded matcher elsewhere. */
class RegexEvaluationTest {
    /** Values around the places where Java and RE2 differ: line terminators, \v, case folding, word boundaries. */
    private static final List<String> VALUES = List.of("", "a", "abc", "aaac", "a\nb", "a\n", "\n", "a\r", "a\rb",
            "a\u0085b", "a\u2028", "\u000B", " \t", "x y", "é", "É", "K", "\u212A", "ſ", "s", "ı", "İ", "i", "Σσς",
            "ab_1", "a-b", "a.b", "[x]", "{1}", "\\", "αβγ", "日本", "\uD83D\uDE00", "123", "0x1F", "a\u0000b",
            "foo.bar{baz}", "tab\there", "\u00A0", "ab\nab\n", "a&b", "a^b");

    /** Patterns as the connector writes them (translated from RE2), and Java-only ones. */
    @ParameterizedTest
    @ValueSource(strings = {"^(?:a+)\\z", "^(?:((a+)+)+c)\\z", "^(?:[^\\n]*)\\z", "^(?:(?s:.)*)\\z", "^(?:a|b|)\\z",
            "^(?:(?:\\A|(?<=\\n))a(?=\\n|\\z))\\z", "(?:\\A|(?<=\\n))ab(?=\\n|\\z)", "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))b",
            "a(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))b", "^(?:[\\t\\n\\f\\r ]+)\\z", "^(?:[^\\t\\n\\f\\r ]+)\\z", "\\x0B",
            "\\x{212A}", "\\p{Lu}", "\\p{IsGreek}+", "\\P{L}", "[\\p{Alpha}\\d]+", "\\p{Punct}", "[\\P{Alpha}]", "\\p{Space}",
            "\\Qa.b\\E", "\\Q[x]\\E", "(?<name>a)b", "x{1,3}?", "[\\[\\]\\&\\^]", "\\{1\\}", "\\\\", "\\u00e9", "\\0101",
            "\\s", "\\S", "[\\s]", "[\\S]", "[a-c&&[b]]", ".", "a.b", "a$", "\\bb", "(?i)k", "(?iu)s", "(a)\\1", "a*+b",
            "(?=a)", "\\p{InGreek}", "\\p{javaLowerCase}", "\\v", "\\h", "\\R", "x{1001}", "[]a]", "\\cA", "^\\d+$"})
    void findsWhatJavaFinds(String pattern) {
        Pattern java = Pattern.compile(pattern);
        for (String v : VALUES) {
            assertEquals(java.matcher(v).find(), SqlFunctions.regexpLike(v, pattern),
                    "pattern " + pattern + " on \"" + v + "\" (" + (SqlFunctions.linear(pattern) ? "RE2J" : "Java") + ")");
        }
    }

    @Test
    void whatTheConnectorWritesRunsInLinearTime() {
        for (String p : List.of("^(?:((a+)+)+c)\\z", "^(?:(?:\\A|(?<=\\n))a(?=\\n|\\z))\\z", "\\p{IsGreek}",
                "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))b", "^(?:[^\\n]*\\Q.*\\E)\\z", "(?<job>x)")) {
            assertNotNull(Re2Dialect.fromJava(p), p);
            assertTrue(SqlFunctions.linear(p), p);
        }
        for (String p : List.of("a$", "(?i)a", "(?iu)a", "(a)\\1", "(?=a)", "\\b", "a++", "[a[b]]", "[a&&b]")) {
            assertNull(Re2Dialect.fromJava(p), p);
        }
    }

    @Test
    void anExponentialPatternForBacktrackingIsLinearHere() {
        // Java's matcher needs about 2^n steps for ((a+)+)+c on n a's; RE2J reads the value a few times
        String pattern = "^(?:((a+)+)+c)\\z";
        String value = "a".repeat(1_000_000);
        long start = System.nanoTime();
        assertFalse(SqlFunctions.regexpLike(value, pattern));
        assertTrue(SqlFunctions.regexpLike(value + "c", pattern));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("((a+)+)+c on 1,000,000 characters, twice: " + millis + " ms");
        // the same pattern under a flag that keeps Java's matcher hits the step bound on 40 characters
        assertThrows(SqlFunctions.QueryTooExpensiveException.class,
                () -> SqlFunctions.regexpLike("a".repeat(40), "(?iu)^(?:((a+)+)+c)\\z"));
    }
}
