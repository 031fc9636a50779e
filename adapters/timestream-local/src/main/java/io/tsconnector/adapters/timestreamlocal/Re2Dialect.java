package io.tsconnector.adapters.timestreamlocal;

import java.util.Set;

/**
 * Rewrites a Java regular expression (the dialect of Timestream's {@code REGEXP_LIKE}) as an RE2 expression that
 * finds exactly the same strings, so the engine can evaluate it in linear time with RE2J; or answers null when it
 * cannot be sure, and the caller keeps Java's matcher.
 *
 * <p>Accepted: literals, groups (plain, non-capturing, named), alternation, greedy and lazy quantifiers, {@code ^}
 * (start of input), {@code \A}, {@code \z}, {@code .}, classes with ranges and escapes, {@code \d \w \s} and their
 * negations, {@code \Q...\E}, hex, octal and Unicode escapes, Unicode categories and scripts, the POSIX classes,
 * {@code (?s:.)}, and the lookaround forms that the connector writes for RE2's {@code \b}, {@code \B} and
 * multi-line {@code ^}/{@code $}. Everything else keeps Java: back references, other lookarounds, possessive
 * quantifiers, {@code $} (Java's also matches before a final line terminator), {@code \b}, flags (Java's
 * case-insensitive matching folds some characters differently from RE2, e.g. the dotless i), class intersections.
 */
final class Re2Dialect {
    private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt",
            "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc",
            "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");
    private static final Set<String> POSIX = Set.of("Alnum", "Alpha", "ASCII", "Blank", "Cntrl", "Digit", "Graph",
            "Lower", "Print", "Punct", "Space", "Upper", "XDigit");
    /** Java's {@code \s}: RE2's lacks \x0B. */
    private static final String SPACE = "\\t\\n\\x0B\\f\\r ";
    /** Java's {@code \S} inside a class, where RE2 cannot negate a part of the class. */
    private static final String NOT_SPACE = "\\x00-\\x08\\x0E-\\x1F!-\\x{10FFFF}";
    /** Java's {@code .}: any character but its line terminators. */
    private static final String DOT = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]";
    /** Java forms the connector writes for RE2 constructs Java has not, and the RE2 constructs they stand for. */
    private static final String[][] IDIOMS = {
            {"(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))", "\\b"},
            {"(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))", "\\B"},
            {"(?:\\A|(?<=\\n))", "(?m:^)"},
            {"(?=\\n|\\z)", "(?m:$)"},
            {"(?s:.)", "(?s:.)"}};

    private final String p;
    private final StringBuilder out = new StringBuilder();
    private int pos;

    private Re2Dialect(String javaPattern) {
        this.p = javaPattern;
    }

    /** The RE2 expression matching what the (valid) Java expression matches, or null when that is not certain. */
    static String fromJava(String javaPattern) {
        Re2Dialect d = new Re2Dialect(javaPattern);
        return d.run() ? d.out.toString() : null;
    }

    private boolean run() {
        while (pos < p.length()) {
            if (!idiom() && !atom()) {
                return false;
            }
        }
        return true;
    }

    private boolean idiom() {
        for (String[] idiom : IDIOMS) {
            if (p.startsWith(idiom[0], pos)) {
                out.append(idiom[1]);
                pos += idiom[0].length();
                return true;
            }
        }
        return false;
    }

    private boolean atom() {
        char c = p.charAt(pos++);
        switch (c) {
            case '\\':
                return escape();
            case '[':
                return charClass();
            case '(':
                return group();
            case ')', '|', '^':
                out.append(c);
                return true;
            case '.':
                out.append(DOT);
                return true;
            case '*', '+', '?':
                out.append(c);
                return quantifierSuffix();
            case '{':
                int end = p.indexOf('}', pos);
                if (end < 0) {
                    return false;
                }
                out.append(p, pos - 1, end + 1);
                pos = end + 1;
                return quantifierSuffix();
            case '$':
                return false;
            default:
                out.append(c);
                return true;
        }
    }

    /** A lazy quantifier finds the same strings; a possessive one does not. */
    private boolean quantifierSuffix() {
        if (pos < p.length() && p.charAt(pos) == '?') {
            out.append('?');
            pos++;
        }
        return pos >= p.length() || p.charAt(pos) != '+';
    }

    private boolean group() {
        if (!p.startsWith("?", pos)) {
            out.append('(');
            return true;
        }
        if (p.startsWith("?:", pos)) {
            out.append("(?:");
            pos += 2;
            return true;
        }
        if (p.startsWith("?<", pos) && pos + 2 < p.length() && Character.isLetter(p.charAt(pos + 2))) {
            int end = p.indexOf('>', pos);
            out.append("(?P<").append(p, pos + 2, end).append('>');
            pos = end + 1;
            return true;
        }
        return false;
    }

    private boolean escape() {
        if (pos >= p.length()) {
            return false;
        }
        char c = p.charAt(pos++);
        switch (c) {
            case 'Q':
                quoted();
                return true;
            case 'A', 'z', 'd', 'D', 'w', 'W':
                out.append('\\').append(c);
                return true;
            case 's':
                out.append('[').append(SPACE).append(']');
                return true;
            case 'S':
                out.append("[^").append(SPACE).append(']');
                return true;
            case 'p', 'P':
                return property(c == 'P', false);
            default:
                return commonEscape(c);
        }
    }

    /** Escapes that read the same inside and outside a class. */
    private boolean commonEscape(char c) {
        switch (c) {
            case 't', 'n', 'r', 'f':
                out.append('\\').append(c);
                return true;
            case 'a':
                out.append("\\x07");
                return true;
            case 'e':
                out.append("\\x1B");
                return true;
            case 'x':
                if (p.startsWith("{", pos)) {
                    int end = p.indexOf('}', pos);
                    out.append("\\x").append(p, pos, end + 1);
                    pos = end + 1;
                } else {
                    out.append("\\x").append(p, pos, pos + 2);
                    pos += 2;
                }
                return true;
            case 'u':
                int unit = Integer.parseInt(p.substring(pos, pos + 4), 16);
                pos += 4;
                if (Character.isSurrogate((char) unit)) {
                    return false;
                }
                out.append("\\x{").append(Integer.toHexString(unit)).append('}');
                return true;
            case '0':
                // Java's octal: \0n, \0nn, \0mnn with m <= 3
                int start = pos;
                int max = pos < p.length() && p.charAt(pos) <= '3' ? 3 : 2;
                while (pos < p.length() && pos - start < max && p.charAt(pos) >= '0' && p.charAt(pos) <= '7') {
                    pos++;
                }
                out.append("\\x{").append(Integer.toHexString(Integer.parseInt(p.substring(start, pos), 8))).append('}');
                return true;
            default:
                if (c < 128 && !Character.isLetterOrDigit(c)) {
                    out.append('\\').append(c);
                    return true;
                }
                // \b \B \G \Z \R \X \h \v \k \c \N, back references: Java's own meaning
                return false;
        }
    }

    /** {@code \Q...\E}: its characters as RE2 literals. */
    private void quoted() {
        int end = p.indexOf("\\E", pos);
        String literal = end < 0 ? p.substring(pos) : p.substring(pos, end);
        pos = end < 0 ? p.length() : end + 2;
        literal.codePoints().forEach(cp -> {
            if (cp < 128 && !Character.isLetterOrDigit(cp) && cp > ' ') {
                out.append('\\');
            }
            out.appendCodePoint(cp);
        });
    }

    /** {@code \p{Lu}}, {@code \pL}, {@code \p{IsGreek}}, {@code \p{Alpha}} and their negations. */
    private boolean property(boolean negated, boolean inClass) {
        String name;
        if (p.startsWith("{", pos)) {
            int end = p.indexOf('}', pos);
            name = p.substring(pos + 1, end);
            pos = end + 1;
        } else {
            name = String.valueOf(p.charAt(pos++));
        }
        if (POSIX.contains(name)) {
            String posix = "[:" + (negated ? "^" : "") + name.toLowerCase(java.util.Locale.ROOT) + ":]";
            out.append(inClass ? posix : "[" + posix + "]");
            return true;
        }
        String bare = name.startsWith("Is") ? name.substring(2) : name;
        boolean category = CATEGORIES.contains(bare);
        if (!category && !name.startsWith("Is")) {
            // In..., java..., script=..., general_category=...: kept on Java
            return false;
        }
        out.append(negated ? "\\P{" : "\\p{").append(bare).append('}');
        return true;
    }

    private boolean charClass() {
        out.append('[');
        if (p.startsWith("^", pos)) {
            out.append('^');
            pos++;
        }
        if (p.startsWith("]", pos)) {
            return false;
        }
        while (pos < p.length()) {
            char c = p.charAt(pos++);
            switch (c) {
                case ']':
                    out.append(']');
                    return true;
                case '[':
                    // a nested class (a union in Java)
                    return false;
                case '&':
                    if (p.startsWith("&", pos)) {
                        return false;
                    }
                    out.append("\\&");
                    break;
                case '\\':
                    if (!classEscape()) {
                        return false;
                    }
                    break;
                default:
                    out.append(c);
            }
        }
        return false;
    }

    private boolean classEscape() {
        if (pos >= p.length()) {
            return false;
        }
        char c = p.charAt(pos++);
        switch (c) {
            case 'd', 'D', 'w', 'W':
                out.append('\\').append(c);
                return true;
            case 's':
                out.append(SPACE);
                return true;
            case 'S':
                out.append(NOT_SPACE);
                return true;
            case 'p', 'P':
                return property(c == 'P', true);
            case 'Q':
                return false;
            default:
                return commonEscape(c);
        }
    }
}
