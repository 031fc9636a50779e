package io.tsconnector.adapters.protocol;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.tsconnector.domain.IgnoreReason;
import java.util.Map;

/**
 * Adapter-side telemetry with the upstream connector's metric names, so existing dashboards keep
 * working; both inbound adapters record into it.
 */
public final class ConnectorMetrics {
    private final Counter receivedSamples;
    private final Counter ignoredSamples;
    private final Counter writeRequests;
    private final Histogram writeDuration;
    private final Counter readRequests;
    private final Histogram readDuration;

    public ConnectorMetrics(CollectorRegistry registry) {
        receivedSamples = Counter.build("timestream_connector_received_samples_total",
                "Samples received in remote write requests.").register(registry);
        ignoredSamples = Counter.build("timestream_connector_ignored_samples_total",
                "Samples received but not stored, by reason.").labelNames("reason").register(registry);
        writeRequests = Counter.build("timestream_connector_write_requests_total",
                "Remote write requests handled, by HTTP status code.").labelNames("code").register(registry);
        writeDuration = Histogram.build("timestream_connector_write_duration_seconds",
                "Time to handle a remote write request.").register(registry);
        readRequests = Counter.build("timestream_connector_read_requests_total",
                "Remote read requests handled, by HTTP status code.").labelNames("code").register(registry);
        readDuration = Histogram.build("timestream_connector_read_duration_seconds",
                "Time to handle a remote read request.").register(registry);
        for (IgnoreReason r : IgnoreReason.values()) {
            ignoredSamples.labels(r.metricLabel());
        }
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
}
