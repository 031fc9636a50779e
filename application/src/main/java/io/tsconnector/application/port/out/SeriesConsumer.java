package io.tsconnector.application.port.out;

import io.tsconnector.domain.TimeSeries;

/** Receives the series of a query one at a time, in label order, each with samples sorted by time. */
@FunctionalInterface
public interface SeriesConsumer {
    void accept(TimeSeries series);
}
