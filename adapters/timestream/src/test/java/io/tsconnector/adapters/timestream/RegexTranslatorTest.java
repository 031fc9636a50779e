package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.NeverRetryException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegexTranslatorTest {

    static Stream<Arguments> translations() {
        return Stream.of(
                Arguments.of("plain", "abc", "abc"),
                Arguments.of("alternation", "a|b|", "a|b|"),
                Arguments.of("dot excludes only newline", "a.c", "a[^\\n]c"),
                Arguments.of("dot with s flag", "(?s:a.c)", "(?:a(?s:.)c)"),
                Arguments.of("dollar is end of text", "a$", "a\\z"),
                Arguments.of("caret is start of text", "^a", "\\Aa"),
                Arguments.of("multiline anchors", "(?m)^a$", "(?:\\A|(?<=\\n))a(?=\\n|\\z)"),
                Arguments.of("named group P", "(?P<first>a)", "(?<first>a)"),
                Arguments.of("named group Java cannot name", "(?P<first_name>a)", "(a)"),
                Arguments.of("case folding is Unicode", "(?i)straße", "(?iu)straße"),
                Arguments.of("scoped flags", "(?i:a)b", "(?iu:a)b"),
                Arguments.of("ungreedy flag dropped", "(?U)a+", "a+"),
                Arguments.of("ungreedy with case flag", "(?Ui)a", "(?iu)a"),
                Arguments.of("lazy quantifier kept", "a+?b*?", "a+?b*?"),
                Arguments.of("repetition", "a{2,3}b{2}c{1,}", "a{2,3}b{2}c{1,}"),
                Arguments.of("literal braces", "a{,3}{x}", "a\\{,3\\}\\{x\\}"),
                Arguments.of("RE2 whitespace has no \\v", "\\s\\S", "[\\t\\n\\f\\r ][^\\t\\n\\f\\r ]"),
                Arguments.of("vertical tab", "\\v", "\\x0B"),
                Arguments.of("octal escape", "\\101\\0", "\\x{41}\\x{0}"),
                Arguments.of("hex escapes", "\\x41\\x{1F600}", "\\x41\\x{1F600}"),
                Arguments.of("text anchors", "\\Aa\\z", "\\Aa\\z"),
                Arguments.of("quoted text", "\\Q.*[\\E.", "\\Q.*[\\E[^\\n]"),
                Arguments.of("Unicode category", "\\pN\\p{Lu}\\PL", "\\p{N}\\p{Lu}\\P{L}"),
                Arguments.of("Unicode script", "\\p{Greek}\\p{^Latin}", "\\p{IsGreek}\\P{IsLatin}"),
                Arguments.of("POSIX class", "[[:alpha:][:^digit:]]", "[\\p{Alpha}\\P{Digit}]"),
                Arguments.of("POSIX word", "[[:word:]]", "[\\w]"),
                Arguments.of("bracket and ampersand literal in class", "[[&&a]", "[\\[\\&\\&a]"),
                Arguments.of("leading bracket in class", "[]a]", "[\\]a]"),
                Arguments.of("negated class", "[^a-z\\d]", "[^a-z\\d]"),
                Arguments.of("whitespace in class", "[\\s]", "[\\t\\n\\f\\r ]"),
                Arguments.of("escaped punctuation", "\\.\\*\\\\", "\\.\\*\\\\"),
                Arguments.of("word boundary is ASCII", "\\ba",
                        "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))a"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("translations")
    void translates(String name, String re2, String java) {
        assertEquals(java, RegexTranslator.translate(re2));
        Pattern.compile(RegexTranslator.anchored(re2));
    }

    static Stream<Arguments> sameMatches() {
        return Stream.of(
                Arguments.of("a.c", new String[] {"abc", "a\nc", "a\rc", "a\u2028c", "ac"}),
                Arguments.of("a$", new String[] {"a", "a\n"}),
                Arguments.of("(?m)a$\\n?", new String[] {"a", "a\n", "a\n\n"}),
                Arguments.of("(?s).*", new String[] {"", "x\ny", "\r\n"}),
                Arguments.of("\\s+", new String[] {" \t", "\u000B", "\n"}),
                Arguments.of("[[:alpha:]]+", new String[] {"abc", "ab1", "é"}),
                Arguments.of("(?i)straße", new String[] {"STRAßE", "strasse"}),
                Arguments.of("\\ba\\b.*", new String[] {"a b", "ab", "a"}),
                Arguments.of("\\p{Greek}+", new String[] {"αβγ", "abc"}),
                Arguments.of("(?U)a+?b", new String[] {"aab", "b"}),
                Arguments.of("\\101+", new String[] {"AA", "101"}),
                Arguments.of("[]a]+", new String[] {"]a]", "b"}),
                Arguments.of("[[&&]+", new String[] {"[&", "a"}),
                Arguments.of("prod|", new String[] {"prod", "", "pro"}),
                Arguments.of("a{,2}", new String[] {"a{,2}", "aa"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameMatches")
    void matchesLikeRe2(String re2, String[] inputs) {
        com.google.re2j.Pattern expected = com.google.re2j.Pattern.compile("^(?:" + re2 + ")$");
        Pattern java = Pattern.compile(RegexTranslator.anchored(re2));
        for (String input : inputs) {
            assertEquals(expected.matches(input), java.matcher(input).find(),
                    "RE2 " + re2 + " on \"" + input.replace("\n", "\\n") + "\"");
        }
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("\\C", "\\C"),
                Arguments.of("\\P{Any}", "\\P{Any}"),
                Arguments.of("\\p{NoSuchScript}", "\\p{NoSuchScript}"),
                Arguments.of("(?=a)", "(?="),
                Arguments.of("\\1", "back reference"),
                Arguments.of("[[:nope:]]", "[:nope:]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsWhatJavaCannotRunAlike(String re2, String named) {
        NeverRetryException e = assertThrows(NeverRetryException.class, () -> RegexTranslator.anchored(re2));
        assertEquals(NeverRetryException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
