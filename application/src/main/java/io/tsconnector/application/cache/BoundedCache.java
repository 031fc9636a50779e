package io.tsconnector.application.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Support: a thread-safe cache of at most {@code capacity} entries that keeps the recently used ones, owned by
 * the object that uses it (the connector's one cache implementation, inbound and outbound).
 *
 * <p>Two generations: new entries go into the young map; when it holds half the capacity, it becomes the old
 * map and the previous old map is dropped. A hit in the old map moves the entry back into the young one. So
 * an entry used at least once per half-capacity insertions is never evicted, eviction drops at most half the
 * entries at once (the least recently used half, approximately), and a working set larger than the cache
 * costs misses, not a cache that empties itself. Lookups take no lock.
 */
public final class BoundedCache<K, V> implements CacheCounters {
    /** Largest initial table of a generation: a big capacity that is never used costs no memory up front. */
    private static final int MAX_INITIAL_TABLE = 1 << 16;

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
        this.young = newGeneration();
        this.old = new ConcurrentHashMap<>();
    }

    private ConcurrentHashMap<K, V> newGeneration() {
        return new ConcurrentHashMap<>(Math.min(generationSize, MAX_INITIAL_TABLE));
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
        rotateIfFull(y);
        return v;
    }

    /**
     * The cached value for {@code probe}, or null (a miss). For keys that borrow memory the cache must not keep,
     * such as a slice of a request buffer: a hit in the old generation is moved to the young one under the key
     * {@code keep} makes of the probe, and a miss is cached by the caller with {@link #putIfAbsent}.
     */
    public V find(K probe, UnaryOperator<K> keep) {
        V v = young.get(probe);
        if (v == null) {
            v = old.get(probe);
            if (v == null) {
                misses.increment();
                return null;
            }
            putIfAbsent(keep.apply(probe), v);
        }
        hits.increment();
        return v;
    }

    /**
     * Caches {@code value} unless {@code key} is cached already, and returns the value to use: the one cached
     * first, so concurrent callers share one instance per key. With capacity 0 nothing is cached.
     */
    public V putIfAbsent(K key, V value) {
        if (generationSize == 0) {
            return value;
        }
        ConcurrentHashMap<K, V> y = young;
        V earlier = y.putIfAbsent(key, value);
        rotateIfFull(y);
        return earlier != null ? earlier : value;
    }

    private void rotateIfFull(ConcurrentHashMap<K, V> y) {
        if (y.size() >= generationSize) {
            rotate(y);
        }
    }

    private synchronized void rotate(ConcurrentHashMap<K, V> full) {
        if (young != full) {
            return; // another thread rotated already
        }
        evictions.add(old.size());
        old = full;
        young = newGeneration();
    }

    /**
     * Counts a hit served without this cache, from a copy its user keeps closer at hand (such as a value derived
     * from the key object itself), so the exported hit rate stays that of the whole lookup.
     */
    public void hit() {
        hits.increment();
    }

    /** Whether this cache keeps anything (a capacity of 0 turns it off). */
    public boolean enabled() {
        return generationSize > 0;
    }

    /** Lookups answered from the cache. */
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
