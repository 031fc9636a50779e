package io.tsconnector.application.port.in;

import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;

/** Inbound port: answer one remote-read query with the matching series. */
public interface ReadSeriesUseCase {
    /**
     * Sends every matching series to the consumer, in label order.
     *
     * @throws io.tsconnector.domain.DomainException when no destination can be resolved
     * @throws io.tsconnector.application.StorageException when the store fails
     */
    void read(SeriesQuery query, SeriesConsumer consumer);
}
