package io.tsconnector.domain;

import java.util.List;

/**
 * Value object: the optional hints Prometheus sends with a remote-read query; all zero when absent.
 * They describe the PromQL evaluation and never widen the query's own range.
 */
public record QueryHints(long stepMs, String func, long startMs, long endMs, List<String> grouping, boolean by,
                         long rangeMs) {
    public static final QueryHints NONE = new QueryHints(0, "", 0, 0, List.of(), false, 0);

    public QueryHints {
        func = func == null ? "" : func;
        grouping = List.copyOf(grouping);
    }
}
