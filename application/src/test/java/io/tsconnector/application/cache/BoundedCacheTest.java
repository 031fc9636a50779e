package io.tsconnector.application.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {
    @Test
    void aHotEntrySurvivesAFloodOfNewOnesAndTheSizeStaysBounded() {
        BoundedCache<String, String> cache = new BoundedCache<>(100);
        AtomicInteger computed = new AtomicInteger();
        cache.get("hot", k -> "v" + computed.incrementAndGet());
        for (int i = 0; i < 10_000; i++) {
            cache.get("cold" + i, k -> "c");
            if (i % 20 == 0) {
                assertEquals("v1", cache.get("hot", k -> "v" + computed.incrementAndGet()));
            }
            assertTrue(cache.size() <= 100, "bounded: " + cache.size());
        }
        assertEquals(1, computed.get(), "the hot entry was computed once");
        assertTrue(cache.evictions() > 0);
        assertEquals(10_001, cache.misses());
    }

    @Test
    void aTurnoverDropsAtMostTheOlderHalf() {
        BoundedCache<Integer, Integer> cache = new BoundedCache<>(10);
        int smallest = Integer.MAX_VALUE;
        for (int i = 0; i < 1000; i++) {
            cache.get(i, k -> k);
            if (i >= 10) {
                smallest = Math.min(smallest, cache.size());
            }
        }
        assertEquals(5, smallest, "after the cache filled once, at least half of it is always kept");
    }

    @Test
    void capacityZeroComputesEveryLookupAndKeepsNothing() {
        BoundedCache<String, String> cache = new BoundedCache<>(0);
        AtomicInteger computed = new AtomicInteger();
        cache.get("a", k -> "x" + computed.incrementAndGet());
        cache.get("a", k -> "x" + computed.incrementAndGet());
        assertEquals(2, computed.get());
        assertEquals(0, cache.size());
        assertEquals("v", cache.putIfAbsent("a", "v"));
        assertNull(cache.find("a", k -> k));
        assertThrows(IllegalArgumentException.class, () -> new BoundedCache<>(-1));
    }

    @Test
    void findCountsAndPutIfAbsentSharesTheFirstInstance() {
        BoundedCache<String, List<String>> cache = new BoundedCache<>(4);
        assertNull(cache.find("k", k -> k));
        List<String> first = new ArrayList<>();
        assertSame(first, cache.putIfAbsent("k", first));
        assertSame(first, cache.putIfAbsent("k", new ArrayList<>()), "the instance cached first is used");
        assertSame(first, cache.find("k", k -> k));
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void aHitInTheOldGenerationIsKeptUnderTheKeyMadeForKeeping() {
        BoundedCache<String, String> cache = new BoundedCache<>(4);
        cache.putIfAbsent("a", "A");
        cache.putIfAbsent("b", "B"); // the young generation is full: "a" and "b" become the old one
        List<String> kept = new ArrayList<>();
        assertEquals("A", cache.find("a", k -> {
            kept.add(k);
            return new String(k);
        }));
        assertEquals(List.of("a"), kept, "the old-generation hit was moved into the young one");
        assertEquals("A", cache.find("a", k -> {
            kept.add(k);
            return k;
        }));
        assertEquals(List.of("a"), kept, "a young-generation hit keeps nothing new");
    }
}
