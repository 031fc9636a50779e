package io.tsconnector.adapters.protocol;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.Gauge;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import io.tsconnector.application.cache.CacheCounters;
import io.tsconnector.domain.IgnoreReason;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Adapter-side telemetry with the upstream connector's metric names, so existing dashboards keep
 * working; the inbound pipeline records every answer into it, refusals included.
 */
public final class ConnectorMetrics {
    private final Counter receivedSamples;
    private final Counter ignoredSamples;
    private final Counter writeRequests;
    private final Histogram writeDuration;
    private final Counter readRequests;
    private final Histogram readDuration;
    private final Gauge inFlight;
    private final Counter rejected;
    private final List<WatchedCache> caches = new CopyOnWriteArrayList<>();

    private record WatchedCache(String name, CacheCounters cache) {
    }

    public ConnectorMetrics(CollectorRegistry registry) {
        receivedSamples = Counter.build("timestream_connector_received_samples_total",
                "Samples received in remote write requests.").register(registry);
        ignoredSamples = Counter.build("timestream_connector_ignored_samples_total",
                "Samples received but not stored, by reason.").labelNames("reason").register(registry);
        writeRequests = Counter.build("timestream_connector_write_requests_total",
                "Remote write requests answered, by HTTP status code (refusals included).").labelNames("code")
                .register(registry);
        writeDuration = Histogram.build("timestream_connector_write_duration_seconds",
                "Time to handle a remote write request.").register(registry);
        readRequests = Counter.build("timestream_connector_read_requests_total",
                "Remote read requests answered, by HTTP status code (refusals included).").labelNames("code")
                .register(registry);
        readDuration = Histogram.build("timestream_connector_read_duration_seconds",
                "Time to handle a remote read request.").register(registry);
        inFlight = Gauge.build("timestream_connector_requests_in_flight",
                "Remote write and read requests being served now.").register(registry);
        rejected = Counter.build("timestream_connector_requests_rejected_total",
                "Remote write and read requests answered 503 because too many were in flight.").register(registry);
        for (IgnoreReason r : IgnoreReason.values()) {
            ignoredSamples.labels(r.metricLabel());
        }
        new CacheCollector().register(registry);
    }

    void received(long samples) {
        receivedSamples.inc(samples);
    }

    void ignored(Map<IgnoreReason, Long> byReason) {
        for (Map.Entry<IgnoreReason, Long> e : byReason.entrySet()) {
            ignoredSamples.labels(e.getKey().metricLabel()).inc(e.getValue());
        }
    }

    void write(int status, long nanos) {
        writeRequests.labels(Integer.toString(status)).inc();
        writeDuration.observe(nanos / 1e9);
    }

    void read(int status, long nanos) {
        readRequests.labels(Integer.toString(status)).inc();
        readDuration.observe(nanos / 1e9);
    }

    void inFlight(int delta) {
        inFlight.inc(delta);
    }

    void rejectedForOverload() {
        rejected.inc();
    }

    /** Exports the counters of a cache of the connector (inbound or outbound), under its {@code cache} label. */
    public void watchCache(String name, CacheCounters cache) {
        caches.add(new WatchedCache(name, cache));
    }

    /** Reads the caches' own counters at scrape time, so a lookup costs no metric update. */
    private final class CacheCollector extends Collector {
        @Override
        public List<MetricFamilySamples> collect() {
            CounterMetricFamily hits = new CounterMetricFamily("timestream_connector_cache_hits_total",
                    "Lookups answered by a cache, by cache.", List.of("cache"));
            CounterMetricFamily misses = new CounterMetricFamily("timestream_connector_cache_misses_total",
                    "Lookups a cache could not answer, by cache.", List.of("cache"));
            GaugeMetricFamily entries = new GaugeMetricFamily("timestream_connector_cache_entries",
                    "Entries held by a cache, by cache.", List.of("cache"));
            for (WatchedCache c : caches) {
                hits.addMetric(List.of(c.name()), c.cache().hits());
                misses.addMetric(List.of(c.name()), c.cache().misses());
                entries.addMetric(List.of(c.name()), c.cache().size());
            }
            return List.of(hits, misses, entries);
        }
    }
}
