package io.tsconnector.bootstrap;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.domain.Violation;
import java.util.List;
import java.util.Map;

/**
 * Adapter: a {@link SeriesWriter} of any store that counts what the store reports written, by destination
 * ({@code timestream_connector_stored_samples_total{database,table}}).
 *
 * <p>A result counts for the whole batch, so a batch of several destinations is handed to the store one
 * destination at a time; Prometheus requests nearly always carry one destination, which costs one call as before.
 */
final class StoredSamplesWriter implements SeriesWriter {
    private final SeriesWriter store;
    private final Counter stored;

    StoredSamplesWriter(SeriesWriter store, CollectorRegistry registry) {
        this.store = store;
        this.stored = Counter.build("timestream_connector_stored_samples_total",
                "Samples the storage reports written, by destination database and table.")
                .labelNames("database", "table").register(registry);
    }

    @Override
    public StoreResult write(Map<Destination, List<TimeSeries>> batch) {
        if (batch.size() == 1) {
            StoreResult r = store.write(batch);
            count(batch.keySet().iterator().next(), r);
            return r;
        }
        StoreResult all = StoreResult.written(0);
        for (Map.Entry<Destination, List<TimeSeries>> e : batch.entrySet()) {
            StoreResult r = store.write(Map.of(e.getKey(), e.getValue()));
            count(e.getKey(), r);
            all = all.plus(r);
        }
        return all;
    }

    private void count(Destination d, StoreResult r) {
        if (r.written() > 0) {
            stored.labels(d.database(), d.table()).inc(r.written());
        }
    }

    @Override
    public Violation checkLabels(Labels labels) {
        return store.checkLabels(labels);
    }

    @Override
    public boolean keepsLastValue() {
        return store.keepsLastValue();
    }
}
