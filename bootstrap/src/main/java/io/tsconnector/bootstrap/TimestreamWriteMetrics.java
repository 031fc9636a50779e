package io.tsconnector.bootstrap;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.CounterMetricFamily;
import io.tsconnector.adapters.timestream.WriteMeter;
import io.tsconnector.application.cache.BoundedCache;
import io.tsconnector.domain.Destination;
import java.util.List;
import java.util.function.Supplier;

/**
 * Telemetry of the Timestream writer: what Timestream bills for the calls it accepted
 * ({@code timestream_connector_write_units_total}, {@code ..._write_metered_bytes_total}, by database and table),
 * and the hit rate of the writer's cache of prepared series.
 */
final class TimestreamWriteMetrics implements WriteMeter {
    private final Counter units;
    private final Counter bytes;
    private final Counter records;

    TimestreamWriteMetrics(CollectorRegistry registry) {
        units = Counter.build("timestream_connector_write_units_total",
                "Timestream write units of the WriteRecords calls Timestream accepted: each call's metered size in whole KiB.")
                .labelNames("database", "table").register(registry);
        bytes = Counter.build("timestream_connector_write_metered_bytes_total",
                "Metered size of the WriteRecords calls Timestream accepted: 8 B time, UTF-8 bytes of dimension names and "
                        + "values and of the measure name, 8 B value per record, CommonAttributes once per call.")
                .labelNames("database", "table").register(registry);
        records = Counter.build("timestream_connector_write_records_total",
                "Records in the WriteRecords calls Timestream accepted.").labelNames("database", "table").register(registry);
    }

    @Override
    public void accepted(Destination destination, int recordCount, long meteredBytes, long writeUnits) {
        units.labels(destination.database(), destination.table()).inc(writeUnits);
        bytes.labels(destination.database(), destination.table()).inc(meteredBytes);
        records.labels(destination.database(), destination.table()).inc(recordCount);
    }

    /** Exports hits and misses of {@code cache} as {@code timestream_connector_cache_*_total{cache="name"}}. */
    static void registerCache(CollectorRegistry registry, String name, Supplier<BoundedCache<?, ?>> cache) {
        new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                BoundedCache<?, ?> c = cache.get();
                CounterMetricFamily hits = new CounterMetricFamily("timestream_connector_cache_hits_total",
                        "Lookups answered from a cache of the connector.", List.of("cache"));
                CounterMetricFamily misses = new CounterMetricFamily("timestream_connector_cache_misses_total",
                        "Lookups a cache of the connector had to compute.", List.of("cache"));
                hits.addMetric(List.of(name), c.hits());
                misses.addMetric(List.of(name), c.misses());
                return List.of(hits, misses);
            }
        }.register(registry);
    }
}
