package io.tsconnector.domain;

/**
 * Callback: receives the series of a query one at a time, in label order, each with samples sorted by time.
 * A domain type, so the inbound read use case and the outbound reader port share it without depending on
 * each other.
 */
@FunctionalInterface
public interface SeriesConsumer {
    void accept(TimeSeries series);
}
