package io.tsconnector.domain;

import java.util.List;
import java.util.Objects;

/** Value object: one remote-read query, an inclusive time range in milliseconds and matchers that all must hold. */
public record SeriesQuery(long startMs, long endMs, List<Matcher> matchers, QueryHints hints) {
    public SeriesQuery {
        matchers = List.copyOf(matchers);
        hints = Objects.requireNonNullElse(hints, QueryHints.NONE);
    }

    public static SeriesQuery of(long startMs, long endMs, Matcher... matchers) {
        return new SeriesQuery(startMs, endMs, List.of(matchers), QueryHints.NONE);
    }

    /** Whether a series' labels satisfy every matcher. */
    public boolean matches(Labels labels) {
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean inRange(long timestampMs) {
        return timestampMs >= startMs && timestampMs <= endMs;
    }

    public SeriesQuery withMatchers(List<Matcher> newMatchers) {
        return new SeriesQuery(startMs, endMs, newMatchers, hints);
    }

    @Override
    public String toString() {
        return matchers + " [" + startMs + ", " + endMs + "]";
    }
}
