package io.tsconnector.adapters.timestream;

import io.tsconnector.application.NeverRetryException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates an RE2 regular expression (Prometheus' dialect) into a Java regular expression (the dialect
 * of Timestream's {@code REGEXP_LIKE}) that matches exactly the same strings, or rejects it when Java
 * cannot express it.
 *
 * <p>Only whether a whole value matches matters, so greediness is irrelevant: RE2's ungreedy flag
 * {@code U} (Java's {@code U} would mean something else) is dropped. Constructs whose meaning differs are
 * rewritten: {@code .}, {@code ^}, {@code $} under the {@code s}/{@code m} flags (Java knows more line
 * terminators than RE2's {@code \n}), {@code \s} (Java adds \v), {@code \v}, {@code \b}/{@code \B} (RE2's
 * are ASCII), octal escapes (Java reads {@code \12} as a back reference), POSIX classes {@code [[:alpha:]]},
 * Unicode scripts {@code \p{Greek}}, named groups {@code (?P<name>...)}, literal {@code [}, {@code &} and
 * {@code {} that Java would read as syntax, and case folding ({@code (?i)} is Unicode-aware in RE2).
 */
public final class RegexTranslator {
    private static final int I = 1;
    private static final int M = 2;
    private static final int S = 4;

    private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt",
            "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc",
            "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");
    private static final String SPACE = "\\t\\n\\f\\r ";
    private static final String WORD_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";
    private static final String NOT_WORD_BOUNDARY = "(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))";

    private final String re;
    private final StringBuilder out = new StringBuilder();
    private final Deque<Integer> flagStack = new ArrayDeque<>();
    private int flags;
    private int pos;

    private RegexTranslator(String re) {
        this.re = re;
    }

    /**
     * The Java regex that matches a whole value exactly when the RE2 regex, fully anchored as Prometheus
     * anchors it, matches it: {@code ^(?:<translated>)\z}.
     *
     * @throws NeverRetryException of kind INVALID naming the construct Java cannot run the same way
     */
    public static String anchored(String re2) {
        String java = "^(?:" + translate(re2) + ")\\z";
        try {
            Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            throw reject(re2, "it has no equivalent Java regular expression (" + e.getDescription() + ")");
        }
        return java;
    }

    /** The Java regex for an RE2 regex, unanchored. */
    public static String translate(String re2) {
        RegexTranslator t = new RegexTranslator(re2);
        t.run();
        return t.out.toString();
    }

    private static NeverRetryException reject(String re, String why) {
        return new NeverRetryException(NeverRetryException.Kind.INVALID,
                "the regular expression \"" + re + "\" cannot be evaluated by Timestream: " + why);
    }

    private NeverRetryException reject(String why) {
        return reject(re, why);
    }

    private void run() {
        while (pos < re.length()) {
            char c = re.charAt(pos++);
            switch (c) {
                case '\\' -> escape();
                case '[' -> charClass();
                case '(' -> group();
                case ')' -> {
                    flags = flagStack.isEmpty() ? flags : flagStack.pop();
                    out.append(')');
                }
                case '.' -> out.append((flags & S) != 0 ? "(?s:.)" : "[^\\n]");
                case '^' -> out.append((flags & M) != 0 ? "(?:\\A|(?<=\\n))" : "\\A");
                case '$' -> out.append((flags & M) != 0 ? "(?=\\n|\\z)" : "\\z");
                case '{' -> out.append(isRepetition() ? "{" : "\\{");
                case '}' -> out.append(repetitionOpen() ? "}" : "\\}");
                case ']' -> out.append("\\]");
                default -> out.append(c);
            }
        }
    }

    private boolean inRepetition;

    /** Whether the '{' just read starts {n}, {n,} or {n,m}; RE2 reads any other '{' literally, Java fails. */
    private boolean isRepetition() {
        int p = pos;
        int digits = 0;
        while (p < re.length() && Character.isDigit(re.charAt(p))) {
            p++;
            digits++;
        }
        if (digits == 0 || p >= re.length()) {
            return false;
        }
        if (re.charAt(p) == ',') {
            p++;
            while (p < re.length() && Character.isDigit(re.charAt(p))) {
                p++;
            }
        }
        inRepetition = p < re.length() && re.charAt(p) == '}';
        return inRepetition;
    }

    private boolean repetitionOpen() {
        boolean open = inRepetition;
        inRepetition = false;
        return open;
    }

    private void group() {
        flagStack.push(flags);
        if (pos >= re.length() || re.charAt(pos) != '?') {
            out.append('(');
            return;
        }
        pos++;
        if (re.startsWith("P<", pos) || (re.startsWith("<", pos) && !re.startsWith("<=", pos) && !re.startsWith("<!", pos))) {
            int start = re.indexOf('<', pos) + 1;
            int end = re.indexOf('>', start);
            if (end < 0) {
                throw reject("unterminated group name");
            }
            String name = re.substring(start, end);
            pos = end + 1;
            // Names are never referenced (RE2 has no back references); keep them where Java allows the name.
            out.append(name.matches("[a-zA-Z][a-zA-Z0-9]*") ? "(?<" + name + ">" : "(");
            return;
        }
        int newFlags = flags;
        boolean negate = false;
        StringBuilder javaOn = new StringBuilder();
        StringBuilder javaOff = new StringBuilder();
        while (pos < re.length()) {
            char c = re.charAt(pos++);
            switch (c) {
                case 'i' -> {
                    newFlags = negate ? newFlags & ~I : newFlags | I;
                    (negate ? javaOff : javaOn).append("iu");
                }
                case 'm' -> newFlags = negate ? newFlags & ~M : newFlags | M;
                case 's' -> newFlags = negate ? newFlags & ~S : newFlags | S;
                case 'U' -> {
                    // ungreedy: cannot change whether a whole value matches
                }
                case '-' -> negate = true;
                case ')' -> {
                    flagStack.pop();
                    flags = newFlags;
                    appendFlags(javaOn, javaOff, ")");
                    return;
                }
                case ':' -> {
                    flags = newFlags;
                    appendFlags(javaOn, javaOff, ":");
                    return;
                }
                default -> throw reject("the group construct (?" + c + " is not RE2 syntax");
            }
        }
        throw reject("unterminated group");
    }

    private void appendFlags(StringBuilder on, StringBuilder off, String end) {
        if (on.length() == 0 && off.length() == 0) {
            if (end.equals(":")) {
                out.append("(?:");
            }
            return;
        }
        out.append("(?").append(on);
        if (off.length() > 0) {
            out.append('-').append(off);
        }
        out.append(end);
    }

    private void escape() {
        if (pos >= re.length()) {
            throw reject("trailing backslash");
        }
        char c = re.charAt(pos++);
        switch (c) {
            case 'Q' -> {
                int end = re.indexOf("\\E", pos);
                String literal = end < 0 ? re.substring(pos) : re.substring(pos, end);
                pos = end < 0 ? re.length() : end + 2;
                out.append(Pattern.quote(literal));
            }
            case 'E' -> {
                // a stray \E ends nothing in RE2
            }
            case 'A', 'z', 'd', 'D', 'w', 'W', 'a', 'f', 't', 'n', 'r' -> out.append('\\').append(c);
            case 'b' -> out.append(WORD_BOUNDARY);
            case 'B' -> out.append(NOT_WORD_BOUNDARY);
            case 's' -> out.append('[').append(SPACE).append(']');
            case 'S' -> out.append("[^").append(SPACE).append(']');
            case 'p', 'P' -> out.append(unicodeClass(c == 'P', false));
            default -> out.append(commonEscape(c));
        }
    }

    /** Escapes that read the same inside and outside a class. */
    private String commonEscape(char c) {
        if (c >= '0' && c <= '7') {
            int start = pos - 1;
            while (pos < re.length() && pos - start < 3 && re.charAt(pos) >= '0' && re.charAt(pos) <= '7') {
                pos++;
            }
            if (c != '0' && pos - start == 1) {
                throw reject("\\" + c + " is a back reference, which RE2 does not support");
            }
            return "\\x{" + Integer.toHexString(Integer.parseInt(re.substring(start, pos), 8)) + "}";
        }
        switch (c) {
            case 'x' -> {
                if (pos < re.length() && re.charAt(pos) == '{') {
                    int end = re.indexOf('}', pos);
                    if (end < 0) {
                        throw reject("unterminated \\x{");
                    }
                    String hex = re.substring(pos, end + 1);
                    pos = end + 1;
                    return "\\x" + hex;
                }
                if (pos + 2 > re.length()) {
                    throw reject("incomplete \\x escape");
                }
                String hex = re.substring(pos, pos + 2);
                pos += 2;
                return "\\x" + hex;
            }
            case 'v' -> {
                return "\\x0B";
            }
            case 'C' -> throw reject("\\C (any single byte) has no Java equivalent");
            default -> {
                if (c < 128 && !Character.isLetterOrDigit(c)) {
                    return "\\" + c;
                }
                throw reject("the escape \\" + c + " is not supported");
            }
        }
    }

    /** {@code \pL}, {@code \p{Greek}}, {@code \p{^Greek}}, {@code \PL} as Java syntax. */
    private String unicodeClass(boolean negated, boolean inClass) {
        if (pos >= re.length()) {
            throw reject("incomplete \\p escape");
        }
        String name;
        if (re.charAt(pos) == '{') {
            int end = re.indexOf('}', pos);
            if (end < 0) {
                throw reject("unterminated \\p{");
            }
            name = re.substring(pos + 1, end);
            pos = end + 1;
        } else {
            name = String.valueOf(re.charAt(pos++));
        }
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        String p = negated ? "\\P" : "\\p";
        if (name.equals("Any")) {
            if (negated) {
                throw reject("\\P{Any} matches nothing");
            }
            return inClass ? "\\x{0}-\\x{10FFFF}" : "(?s:.)";
        }
        if (CATEGORIES.contains(name)) {
            return p + "{" + name + "}";
        }
        String java = p + "{Is" + name + "}";
        try {
            Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            throw reject("the Unicode class \\p{" + name + "} is unknown to Java");
        }
        return java;
    }

    private void charClass() {
        out.append('[');
        if (pos < re.length() && re.charAt(pos) == '^') {
            out.append('^');
            pos++;
        }
        boolean first = true;
        while (pos < re.length()) {
            char c = re.charAt(pos++);
            if (c == ']' && !first) {
                out.append(']');
                return;
            }
            first = false;
            switch (c) {
                case '[' -> {
                    if (re.startsWith(":", pos)) {
                        int end = re.indexOf(":]", pos + 1);
                        if (end < 0) {
                            out.append("\\[");
                        } else {
                            out.append(posixClass(re.substring(pos + 1, end)));
                            pos = end + 2;
                        }
                    } else {
                        out.append("\\[");
                    }
                }
                case '\\' -> classEscape();
                case ']', '&', '^' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        throw reject("missing closing ]");
    }

    private void classEscape() {
        if (pos >= re.length()) {
            throw reject("trailing backslash");
        }
        char c = re.charAt(pos++);
        switch (c) {
            case 'd', 'D', 'w', 'W', 'a', 'f', 't', 'n', 'r' -> out.append('\\').append(c);
            case 's' -> out.append(SPACE);
            case 'S' -> out.append("[^").append(SPACE).append(']');
            case 'p', 'P' -> out.append(unicodeClass(c == 'P', true));
            default -> out.append(commonEscape(c));
        }
    }

    private String posixClass(String name) {
        boolean negated = name.startsWith("^");
        String n = negated ? name.substring(1) : name;
        String java = switch (n) {
            case "alnum" -> "Alnum";
            case "alpha" -> "Alpha";
            case "ascii" -> "ASCII";
            case "blank" -> "Blank";
            case "cntrl" -> "Cntrl";
            case "digit" -> "Digit";
            case "graph" -> "Graph";
            case "lower" -> "Lower";
            case "print" -> "Print";
            case "punct" -> "Punct";
            case "space" -> "Space";
            case "upper" -> "Upper";
            case "xdigit" -> "XDigit";
            case "word" -> null;
            default -> throw reject("unknown POSIX class [:" + name + ":]");
        };
        if (java == null) {
            return negated ? "\\W" : "\\w";
        }
        return (negated ? "\\P{" : "\\p{") + java + "}";
    }
}
