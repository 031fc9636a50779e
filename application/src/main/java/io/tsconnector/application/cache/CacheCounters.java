package io.tsconnector.application.cache;

/** What a cache tells about itself for the metrics: its lookups answered and not, and its entries now. */
public interface CacheCounters {
    long hits();

    long misses();

    int size();
}
