package io.tsconnector.adapters.protocol;

import io.tsconnector.application.cache.BoundedCache;
import io.tsconnector.domain.Labels;
import java.util.Arrays;

/**
 * Bounded map from the wire bytes of a label list to its decoded {@link Labels}, owned by one decoder: the
 * connector's {@link BoundedCache} (two generations, never emptied at once) keyed by a slice of the request.
 *
 * <p>Lookups probe with a key over the request buffer itself; only what is kept copies its bytes, so a hit
 * allocates nothing and the cache never holds on to a request.
 */
final class LabelsCache {
    private final BoundedCache<Key, Labels> entries;

    /** @param maxEntries label sets kept at most (both generations together) */
    LabelsCache(int maxEntries) {
        if (maxEntries < 2) {
            throw new IllegalArgumentException("a labels cache needs at least 2 entries: " + maxEntries);
        }
        this.entries = new BoundedCache<>(maxEntries);
    }

    Labels get(byte[] buf, int from, int to) {
        return entries.find(new Key(buf, from, to), Key::copy);
    }

    /**
     * Caches the labels and returns the instance to use: the one already cached when another request got there
     * first, so every request shares one instance per series (identity is the fast path of every map the series
     * goes through later).
     */
    Labels put(byte[] buf, int from, int to, Labels labels) {
        return entries.putIfAbsent(Key.copyOf(buf, from, to), labels);
    }

    /** The cache underneath, for its hit, miss and size counts. */
    BoundedCache<?, ?> counters() {
        return entries;
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

        /** A key over its own copy of the bytes, to be kept after the request is gone. */
        static Key copyOf(byte[] buf, int from, int to) {
            return new Key(Arrays.copyOfRange(buf, from, to), 0, to - from);
        }

        Key copy() {
            return copyOf(buf, from, to);
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
