package io.tsconnector.adapters.protocol;

import io.tsconnector.domain.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounded map from the wire bytes of a label list to its decoded {@link Labels}, owned by one decoder.
 *
 * <p>Two generations: new entries go into the young one; when it holds half the capacity (or its bytes reach
 * their bound) it becomes the old one and the previous old one is dropped. A hit in the old generation moves the
 * entry back to the young one, so the series a Prometheus sends in every request stay while one-off series age
 * out; at no point is the whole cache emptied.
 *
 * <p>Every series of every request is looked up here, so the layout is made for the memory system rather than
 * built from map nodes: a generation keeps the key bytes of its entries back to back in one array, in the order
 * they were first seen, with their offsets, lengths and labels in parallel arrays, and an open-addressing table
 * of (hash, entry) longs. A request's series arrive in the order they came before, so its lookups read the key
 * bytes nearly sequentially, where a map of nodes, key objects and key arrays costs several cache misses per
 * series. Lookups take no lock: an entry's bytes, offset, length and labels are written before its table slot
 * is published (release/acquire), and a generation only grows by copying into a new one.
 */
final class LabelsCache implements io.tsconnector.application.cache.CacheCounters {
    /** Bytes kept per generation at most, whatever the number of entries. */
    private static final int MAX_GENERATION_BYTES = 64 << 20;
    /** Label lists longer than this are decoded every time rather than cached. */
    private static final int MAX_KEY_BYTES = 64 << 10;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int generationSize;
    /** Written under the lock only; read without it. */
    private volatile Generation young;
    private volatile Generation old;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param maxEntries label sets kept at most (both generations together) */
    LabelsCache(int maxEntries) {
        if (maxEntries < 2) {
            throw new IllegalArgumentException("a labels cache needs at least 2 entries: " + maxEntries);
        }
        this.generationSize = maxEntries / 2;
        this.young = new Generation(Math.min(generationSize, 1024), 64 << 10);
        this.old = new Generation(1, 0);
    }

    Labels get(byte[] buf, int from, int to) {
        int hash = hash(buf, from, to);
        Labels labels = young.find(buf, from, to, hash);
        if (labels == null) {
            labels = old.find(buf, from, to, hash);
            if (labels == null) {
                misses.increment();
                return null;
            }
            labels = insert(buf, from, to, hash, labels);
        }
        hits.increment();
        return labels;
    }

    /**
     * Caches the labels and returns the instance to use: the one already cached when another request got there
     * first, so every request shares one instance per series (identity is the fast path of every map the series
     * goes through later, and what is derived from the instance is kept on it).
     */
    Labels put(byte[] buf, int from, int to, Labels labels) {
        return insert(buf, from, to, hash(buf, from, to), labels);
    }

    private synchronized Labels insert(byte[] buf, int from, int to, int hash, Labels labels) {
        int length = to - from;
        if (length > MAX_KEY_BYTES) {
            return labels;
        }
        Generation g = young;
        Labels earlier = g.find(buf, from, to, hash);
        if (earlier != null) {
            return earlier;
        }
        if (g.count >= generationSize || g.used + length > MAX_GENERATION_BYTES) {
            old = g;
            g = new Generation(Math.min(generationSize, 1024), 64 << 10);
            young = g;
        } else if (g.count == g.labels.length || g.used + length > g.arena.length) {
            g = g.grown(Math.min(generationSize, g.labels.length * 2), Math.max(g.arena.length * 2, g.used + length));
            young = g;
        }
        g.add(buf, from, to, hash, labels);
        return labels;
    }

    @Override
    public long hits() {
        return hits.sum();
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    /** Entries held now, both generations (an entry moved back to the young one may be counted twice). */
    @Override
    public int size() {
        return young.count + old.count;
    }

    /**
     * One generation: key bytes back to back in {@code arena}, entry {@code e} at {@code offset[e]} for
     * {@code length[e]} bytes, and a table of {@code (hash << 32) | (e + 1)} with linear probing, at most half full.
     * Entries are added under the cache's lock; the arrays never change size (growing makes a new generation).
     */
    private static final class Generation {
        final long[] slots;
        final int mask;
        final int[] offset;
        final int[] length;
        final Labels[] labels;
        final byte[] arena;
        int count;
        int used;

        Generation(int entries, int bytes) {
            int table = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
            this.slots = new long[table];
            this.mask = table - 1;
            this.offset = new int[entries];
            this.length = new int[entries];
            this.labels = new Labels[entries];
            this.arena = new byte[bytes];
        }

        Labels find(byte[] buf, int from, int to, int hash) {
            int n = to - from;
            for (int i = hash & mask; ; i = (i + 1) & mask) {
                long slot = (long) SLOTS.getAcquire(slots, i);
                if (slot == 0) {
                    return null;
                }
                if ((int) (slot >>> 32) == hash) {
                    int e = (int) slot - 1;
                    int at = offset[e];
                    if (length[e] == n && Arrays.equals(arena, at, at + n, buf, from, to)) {
                        return labels[e];
                    }
                }
            }
        }

        void add(byte[] buf, int from, int to, int hash, Labels value) {
            int e = count;
            int n = to - from;
            System.arraycopy(buf, from, arena, used, n);
            offset[e] = used;
            length[e] = n;
            labels[e] = value;
            used += n;
            count = e + 1;
            int i = hash & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            SLOTS.setRelease(slots, i, ((long) hash << 32) | (e + 1L));
        }

        /** A copy with room for {@code entries} entries and {@code bytes} key bytes. */
        Generation grown(int entries, int bytes) {
            Generation g = new Generation(entries, bytes);
            for (int e = 0; e < count; e++) {
                int at = offset[e];
                g.add(arena, at, at + length[e], hash(arena, at, at + length[e]), labels[e]);
            }
            return g;
        }
    }

    /**
     * A multiply-xorshift hash over four independent 8-byte lanes, so the multiplications overlap; label bytes are
     * hashed for every entry of every request.
     */
    static int hash(byte[] buf, int from, int to) {
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
}
