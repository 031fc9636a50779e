package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredSamplesWriterTest {
    private static final Destination A = new Destination("dbA", "tA");
    private static final Destination B = new Destination("dbB", "tB");

    @Test
    void countsWhatTheStoreReportsWrittenPerDestination() {
        List<Map<Destination, List<TimeSeries>>> calls = new ArrayList<>();
        // a store that rejects one sample of destination B
        SeriesWriter store = batch -> {
            calls.add(batch);
            long samples = batch.values().stream().flatMap(List::stream).mapToLong(s -> s.samples().size()).sum();
            return batch.containsKey(B) ? new StoreResult(samples - 1, 1, List.of("rejected"), List.of())
                    : StoreResult.written(samples);
        };
        CollectorRegistry registry = new CollectorRegistry();
        StoredSamplesWriter writer = new StoredSamplesWriter(store, registry);
        Map<Destination, List<TimeSeries>> batch = new LinkedHashMap<>();
        batch.put(A, List.of(series(3)));
        batch.put(B, List.of(series(2), series(2)));

        StoreResult r = writer.write(batch);
        writer.write(Map.of(A, List.of(series(1))));

        assertEquals(6, r.written());
        assertEquals(1, r.rejected());
        assertEquals(3, calls.size(), "one store call per destination of a mixed batch, one for a single destination");
        assertEquals(4.0, stored(registry, A));
        assertEquals(3.0, stored(registry, B));
    }

    private static Double stored(CollectorRegistry registry, Destination d) {
        return registry.getSampleValue("timestream_connector_stored_samples_total", new String[] {"database", "table"},
                new String[] {d.database(), d.table()});
    }

    private static TimeSeries series(int samples) {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            s.add(new Sample(i, 1.0));
        }
        return new TimeSeries(Labels.of("__name__", "m" + samples), s);
    }
}
