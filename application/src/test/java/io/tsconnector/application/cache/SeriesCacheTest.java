package io.tsconnector.application.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tsconnector.domain.Labels;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeriesCacheTest {
    @Test
    void aValueIsDerivedOncePerSeriesAndReadBackFromTheInstanceOrTheCache() {
        SeriesCache<String> cache = new SeriesCache<>(100, String.class);
        AtomicInteger computed = new AtomicInteger();
        Labels a = Labels.of("__name__", "up", "job", "x");
        String first = cache.get(a, l -> "v" + computed.incrementAndGet());
        assertSame(first, cache.get(a, l -> "v" + computed.incrementAndGet()));
        assertSame(first, a.derived(cache), "kept on the instance");
        assertSame(first, cache.get(Labels.of("__name__", "up", "job", "x"), l -> "v" + computed.incrementAndGet()),
                "an equal instance is answered by the cache behind");
        assertEquals(1, computed.get());
        assertEquals(2, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void aCapacityOfZeroKeepsNothingAnywhere() {
        SeriesCache<String> cache = new SeriesCache<>(0, String.class);
        AtomicInteger computed = new AtomicInteger();
        Labels a = Labels.of("__name__", "up");
        cache.get(a, l -> "v" + computed.incrementAndGet());
        cache.get(a, l -> "v" + computed.incrementAndGet());
        assertEquals(2, computed.get());
        assertEquals(null, a.derived(cache));
        assertEquals(0, cache.size());
    }
}
