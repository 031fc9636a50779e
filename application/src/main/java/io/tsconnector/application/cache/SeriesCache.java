package io.tsconnector.application.cache;

import io.tsconnector.domain.Labels;
import java.util.function.Function;

/**
 * Cache: what its owner derives from a series' labels, kept on the labels instance itself
 * ({@link Labels#derive}) and, for equal instances, in a {@link BoundedCache} behind it.
 *
 * <p>Decoders hand the same instance for a series in every request, so the usual lookup is a field read on an
 * object already at hand. A capacity of 0 turns both off.
 */
public final class SeriesCache<V> implements CacheCounters {
    private final BoundedCache<Labels, V> entries;
    private final Class<V> type;

    public SeriesCache(int capacity, Class<V> type) {
        this.entries = new BoundedCache<>(capacity);
        this.type = type;
    }

    public V get(Labels labels, Function<? super Labels, ? extends V> compute) {
        if (!entries.enabled()) {
            return entries.get(labels, compute);
        }
        Object kept = labels.derived(this);
        if (type.isInstance(kept)) {
            entries.hit();
            return type.cast(kept);
        }
        V v = entries.get(labels, compute);
        labels.derive(this, v);
        return v;
    }

    @Override
    public long hits() {
        return entries.hits();
    }

    @Override
    public long misses() {
        return entries.misses();
    }

    @Override
    public int size() {
        return entries.size();
    }
}
