package io.tsconnector.adapters.influxdb;

/**
 * Outbound port of the InfluxDB adapter: observes its HTTP calls (telemetry), by operation ({@code write},
 * {@code query}). Called on the request threads, so implementations must be cheap and thread-safe.
 */
public interface InfluxCallObserver {
    /** Observes nothing. */
    InfluxCallObserver NONE = new InfluxCallObserver() {
    };

    /** A call ended (any answer or failure), after {@code nanos} with its retries. */
    default void called(String operation, long nanos) {
    }

    /** An attempt after the first is sent. */
    default void retried(String operation) {
    }

    /** InfluxDB answered an attempt 429 Too Many Requests. */
    default void throttled(String operation) {
    }
}
