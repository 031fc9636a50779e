package io.tsconnector.adapters.protocol;

import io.tsconnector.domain.Labels;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounded map from the wire bytes of a label list to its decoded {@link Labels}, owned by one decoder.
 *
 * <p>Two generations: new entries go into the young one; when it holds half the capacity it becomes the old
 * one and the previous old one is dropped. A hit in the old generation moves the entry back to the young one,
 * so the series a Prometheus sends in every request stay while one-off series age out; at no point is the whole
 * cache emptied (at least half the capacity of recently used entries always survives a turnover).
 */
final class LabelsCache {
    private final int generationSize;
    private volatile ConcurrentHashMap<Key, Labels> young;
    private volatile ConcurrentHashMap<Key, Labels> old = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param maxEntries label sets kept at most (both generations together) */
    LabelsCache(int maxEntries) {
        if (maxEntries < 2) {
            throw new IllegalArgumentException("a labels cache needs at least 2 entries: " + maxEntries);
        }
        this.generationSize = maxEntries / 2;
        this.young = new ConcurrentHashMap<>(Math.min(generationSize, 1 << 16));
    }

    Labels get(byte[] buf, int from, int to) {
        Key probe = new Key(buf, from, to);
        Labels labels = young.get(probe);
        if (labels == null) {
            labels = old.get(probe);
            if (labels == null) {
                misses.increment();
                return null;
            }
            insert(new Key(Arrays.copyOfRange(buf, from, to), 0, to - from), labels);
        }
        hits.increment();
        return labels;
    }

    /**
     * Caches the labels and returns the instance to use: the one already cached when another request got there
     * first, so every request shares one instance per series (identity is the fast path of every map the series
     * goes through later).
     */
    Labels put(byte[] buf, int from, int to, Labels labels) {
        return insert(new Key(Arrays.copyOfRange(buf, from, to), 0, to - from), labels);
    }

    private Labels insert(Key key, Labels labels) {
        ConcurrentHashMap<Key, Labels> current = young;
        if (current.size() >= generationSize) {
            synchronized (this) {
                if (young == current) {
                    old = current;
                    young = new ConcurrentHashMap<>(Math.min(generationSize, 1 << 16));
                }
                current = young;
            }
        }
        Labels earlier = current.putIfAbsent(key, labels);
        return earlier != null ? earlier : labels;
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    /** Entries held now, both generations (an entry moved back to the young one may be counted twice). */
    long entries() {
        return (long) young.size() + old.size();
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static final class Key {
        private final byte[] buf;
        private final int from;
        private final int to;
        private final int hash;

        Key(byte[] buf, int from, int to) {
            this.buf = buf;
            this.from = from;
            this.to = to;
            this.hash = hash(buf, from, to);
        }

        /**
         * A multiply-xorshift hash over four independent 8-byte lanes, so the multiplications overlap; label
         * bytes are hashed for every entry of every request.
         */
        private static int hash(byte[] buf, int from, int to) {
            long h0 = 0x9E3779B97F4A7C15L ^ (to - from);
            long h1 = 0xC2B2AE3D27D4EB4FL;
            long h2 = 0x165667B19E3779F9L;
            long h3 = 0x27D4EB2F165667C5L;
            int i = from;
            for (; i + 32 <= to; i += 32) {
                h0 = (h0 ^ (long) LONGS.get(buf, i)) * 0xff51afd7ed558ccdL;
                h1 = (h1 ^ (long) LONGS.get(buf, i + 8)) * 0xc4ceb9fe1a85ec53L;
                h2 = (h2 ^ (long) LONGS.get(buf, i + 16)) * 0xff51afd7ed558ccdL;
                h3 = (h3 ^ (long) LONGS.get(buf, i + 24)) * 0xc4ceb9fe1a85ec53L;
                h0 ^= h0 >>> 29;
                h1 ^= h1 >>> 31;
                h2 ^= h2 >>> 27;
                h3 ^= h3 >>> 33;
            }
            long h = h0 ^ Long.rotateLeft(h1, 17) ^ Long.rotateLeft(h2, 31) ^ Long.rotateLeft(h3, 47);
            for (; i + 8 <= to; i += 8) {
                h = (h ^ (long) LONGS.get(buf, i)) * 0xff51afd7ed558ccdL;
                h ^= h >>> 29;
            }
            long tail = 0;
            for (; i < to; i++) {
                tail = (tail << 8) | (buf[i] & 0xff);
            }
            h = (h ^ tail) * 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 32;
            return (int) h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(buf, from, to, k.buf, k.from, k.to);
        }
    }
}
