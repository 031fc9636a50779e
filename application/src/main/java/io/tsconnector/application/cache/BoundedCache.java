package io.tsconnector.application.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Support: a thread-safe cache of at most {@code capacity} entries that keeps the recently used ones.
 *
 * <p>Two generations: new entries go into the young map; when it holds half the capacity, it becomes the old
 * map and the previous old map is dropped. A hit in the old map moves the entry back into the young one. So
 * an entry used at least once per half-capacity insertions is never evicted, eviction drops at most half the
 * entries at once (the least recently used half, approximately), and a working set larger than the cache
 * costs misses, not a cache that empties itself. Lookups take no lock.
 */
public final class BoundedCache<K, V> {
    private final int generationSize;
    private volatile ConcurrentHashMap<K, V> young;
    private volatile ConcurrentHashMap<K, V> old;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /** @param capacity entries kept at most; 0 disables caching (every lookup computes) */
    public BoundedCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache capacity must not be negative, got " + capacity);
        }
        this.generationSize = Math.max(capacity / 2, capacity == 0 ? 0 : 1);
        this.young = new ConcurrentHashMap<>();
        this.old = new ConcurrentHashMap<>();
    }

    /** The cached value for {@code key}, computed with {@code compute} (outside any lock) when absent. */
    public V get(K key, Function<? super K, ? extends V> compute) {
        ConcurrentHashMap<K, V> y = young;
        V v = y.get(key);
        if (v != null) {
            hits.increment();
            return v;
        }
        if (generationSize == 0) {
            misses.increment();
            return compute.apply(key);
        }
        v = old.get(key);
        if (v != null) {
            hits.increment();
        } else {
            misses.increment();
            v = compute.apply(key);
        }
        y.put(key, v);
        if (y.size() >= generationSize) {
            rotate(y);
        }
        return v;
    }

    private synchronized void rotate(ConcurrentHashMap<K, V> full) {
        if (young != full) {
            return; // another thread rotated already
        }
        evictions.add(old.size());
        old = full;
        young = new ConcurrentHashMap<>();
    }

    /** Lookups answered from the cache. */
    /**
     * Counts a hit served without this cache, from a copy its user keeps closer at hand (such as a value derived
     * from the key object itself), so the exported hit rate stays that of the whole lookup.
     */
    public void hit() {
        hits.increment();
    }

    public long hits() {
        return hits.sum();
    }

    /** Lookups that had to compute the value. */
    public long misses() {
        return misses.sum();
    }

    /** Entries dropped to stay within the capacity. */
    public long evictions() {
        return evictions.sum();
    }

    /** Entries held now (both generations; an entry may be counted twice while it moves). */
    public int size() {
        return young.size() + old.size();
    }
}
