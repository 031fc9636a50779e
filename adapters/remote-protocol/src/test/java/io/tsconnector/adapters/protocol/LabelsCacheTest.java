package io.tsconnector.adapters.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class LabelsCacheTest {
    /** The key bytes of series {@code i}, at an offset inside a larger buffer as in a request. */
    private static byte[] request(int i, int pad) {
        byte[] key = ("series-" + i + "-" + "x".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[pad + key.length + 3];
        System.arraycopy(key, 0, buf, pad, key.length);
        return buf;
    }

    private static Labels labels(int i) {
        return Labels.of("__name__", "m", "i", Integer.toString(i));
    }

    private static Labels get(LabelsCache c, int i, int pad) {
        byte[] b = request(i, pad);
        return c.get(b, pad, b.length - 3);
    }

    private static Labels put(LabelsCache c, int i, int pad, Labels l) {
        byte[] b = request(i, pad);
        return c.put(b, pad, b.length - 3, l);
    }

    @Test
    void findsWhatWasPutWhereverTheBytesLie() {
        LabelsCache c = new LabelsCache(100_000);
        for (int i = 0; i < 5_000; i++) {
            assertNull(get(c, i, i % 7));
            Labels l = labels(i);
            assertSame(l, put(c, i, 3, l));
        }
        for (int i = 0; i < 5_000; i++) {
            assertEquals(labels(i), get(c, i, 11), "series " + i);
        }
        assertEquals(5_000, c.hits());
        assertEquals(5_000, c.misses());
    }

    @Test
    void theFirstInstancePutIsShared() {
        LabelsCache c = new LabelsCache(10);
        Labels first = labels(1);
        put(c, 1, 0, first);
        assertSame(first, put(c, 1, 5, labels(1)));
        assertSame(first, get(c, 1, 2));
    }

    @Test
    void boundedAndRecentlyUsedSeriesSurviveTurnover() {
        LabelsCache c = new LabelsCache(1_000);
        for (int i = 0; i < 100; i++) {
            put(c, i, 0, labels(i));
        }
        for (int i = 100; i < 20_000; i++) {
            put(c, i, 0, labels(i));
            if (i % 50 == 0) {
                for (int k = 0; k < 100; k++) {
                    assertEquals(labels(k), get(c, k, 1), "a series used all along stays (" + k + " at " + i + ")");
                }
            }
            assertTrue(c.size() <= 1_000 + 100, "entries " + c.size());
        }
        assertNull(get(c, 5_000, 0), "a series not used for long is gone");
    }

    @Test
    void oversizedKeysAreNotKept() {
        LabelsCache c = new LabelsCache(10);
        byte[] huge = new byte[100_000];
        Labels l = labels(1);
        assertSame(l, c.put(huge, 0, huge.length, l));
        assertNull(c.get(huge, 0, huge.length));
    }

    @Test
    void concurrentReadersAndWritersAlwaysGetTheLabelsOfTheirBytes() throws Exception {
        LabelsCache c = new LabelsCache(4_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    int checked = 0;
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int n = 0; n < 200_000; n++) {
                        int i = random.nextInt(6_000);
                        Labels found = get(c, i, n % 5);
                        if (found == null) {
                            found = put(c, i, 2, labels(i));
                        }
                        assertEquals(labels(i), found, "series " + i);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(200_000, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
