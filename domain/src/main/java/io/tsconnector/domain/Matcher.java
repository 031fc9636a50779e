package io.tsconnector.domain;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Objects;

/**
 * Value object: a Prometheus label matcher with Prometheus' semantics.
 *
 * <p>A missing label has the value "", so {@code l=""} matches series without {@code l}. Regular
 * expressions use RE2 syntax and are fully anchored: {@code l=~"a.*"} matches the whole value.
 */
public final class Matcher {
    private final MatchType type;
    private final String name;
    private final String value;
    private final Pattern pattern;

    public Matcher(MatchType type, String name, String value) {
        this.type = Objects.requireNonNull(type, "matcher type");
        this.name = Objects.requireNonNull(name, "matcher label name");
        this.value = value == null ? "" : value;
        if (type == MatchType.RE || type == MatchType.NRE) {
            try {
                this.pattern = Pattern.compile("^(?:" + this.value + ")$");
            } catch (PatternSyntaxException e) {
                throw new DomainException(
                        "invalid regular expression in matcher " + name + type.symbol() + "\"" + this.value + "\": "
                                + e.getDescription(), e);
            }
        } else {
            this.pattern = null;
        }
    }

    public static Matcher eq(String name, String value) {
        return new Matcher(MatchType.EQ, name, value);
    }

    public static Matcher neq(String name, String value) {
        return new Matcher(MatchType.NEQ, name, value);
    }

    public static Matcher re(String name, String regex) {
        return new Matcher(MatchType.RE, name, regex);
    }

    public static Matcher nre(String name, String regex) {
        return new Matcher(MatchType.NRE, name, regex);
    }

    public MatchType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether a label value matches; {@code null} stands for an absent label and matches like "". */
    public boolean matches(String labelValue) {
        String v = labelValue == null ? "" : labelValue;
        return switch (type) {
            case EQ -> v.equals(value);
            case NEQ -> !v.equals(value);
            case RE -> pattern.matches(v);
            case NRE -> !pattern.matches(v);
        };
    }

    /** Whether the matcher selects series that lack the label. */
    public boolean matchesAbsent() {
        return matches((String) null);
    }

    /** Whether the series' labels satisfy this matcher. */
    public boolean matches(Labels labels) {
        return matches(labels.get(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, value);
    }

    @Override
    public String toString() {
        return name + type.symbol() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
