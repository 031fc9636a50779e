package io.tsconnector.domain;

/** The four Prometheus label matcher types. */
public enum MatchType {
    /** {@code l="v"} */
    EQ("="),
    /** {@code l!="v"} */
    NEQ("!="),
    /** {@code l=~"re"} */
    RE("=~"),
    /** {@code l!~"re"} */
    NRE("!~");

    private final String symbol;

    MatchType(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
