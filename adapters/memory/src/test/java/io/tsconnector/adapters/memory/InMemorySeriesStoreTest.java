package io.tsconnector.adapters.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.port.out.SeriesStoreContract;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySeriesStoreTest extends SeriesStoreContract {
    private InMemorySeriesStore memory;

    @Override
    protected Store createStore() {
        memory = new InMemorySeriesStore();
        return new Store(memory, memory);
    }

    @Test
    void injectedWriteFailureIsReportedPerDestinationAndOthersAreWritten() {
        memory.injectFailures((op, d) -> d.equals(OTHER) ? new RetryLaterException("throttled") : null);
        TimeSeries s = TimeSeries.of(Labels.of("__name__", "x"), new Sample(1, 1));
        StoreResult r = memory.write(Map.of(MAIN, List.of(s), OTHER, List.of(s)));
        assertEquals(1, r.written());
        assertEquals(1, r.failures().size());
        assertEquals(1, memory.sampleCount(MAIN));
        memory.clearFailures();
        assertEquals(1, memory.write(Map.of(OTHER, List.of(s))).written());
    }

    @Test
    void injectedReadFailureIsThrown() {
        memory.injectFailures((op, d) -> op.equals("read") ? new RetryLaterException("down") : null);
        assertThrows(RetryLaterException.class, () -> memory.read(MAIN, SeriesQuery.of(0, 1), s -> { }));
    }

    @Test
    void samplesInAnyOrderAcrossManyChunksComeBackSortedOnce() {
        java.util.Random random = new java.util.Random(11);
        java.util.TreeMap<Long, Double> expected = new java.util.TreeMap<>();
        Labels labels = Labels.of("__name__", "shuffled");
        java.util.List<Long> times = new java.util.ArrayList<>();
        for (long t = 0; t < 5000; t++) {
            times.add(t * 10);
        }
        java.util.Collections.shuffle(times, random);
        for (long t : times) {
            double v = t / 10.0;
            expected.put(t, v);
            memory.write(Map.of(MAIN, List.of(TimeSeries.of(labels, new Sample(t, v)))));
            if (random.nextInt(10) == 0) {
                StoreResult again = memory.write(Map.of(MAIN, List.of(TimeSeries.of(labels, new Sample(t, v)))));
                assertEquals(0, again.rejected(), "identical sample accepted again");
                StoreResult conflict = memory.write(Map.of(MAIN, List.of(TimeSeries.of(labels, new Sample(t, v + 1)))));
                assertEquals(1, conflict.rejected(), "different value rejected");
            }
        }
        List<Sample> all = new java.util.ArrayList<>();
        memory.read(MAIN, SeriesQuery.of(0, Long.MAX_VALUE), s -> all.addAll(s.samples()));
        assertEquals(expected.size(), all.size());
        int k = 0;
        for (var e : expected.entrySet()) {
            assertEquals(e.getKey(), all.get(k).timestampMs());
            assertEquals(e.getValue(), all.get(k).value());
            k++;
        }
        List<Sample> some = new java.util.ArrayList<>();
        memory.read(MAIN, SeriesQuery.of(12_345, 23_456), s -> some.addAll(s.samples()));
        assertEquals(expected.subMap(12_345L, true, 23_456L, true).size(), some.size());
        assertEquals(12_350L, some.get(0).timestampMs());
        assertEquals(5000, memory.sampleCount(MAIN));
    }
}
