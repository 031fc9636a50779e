package io.tsconnector.application.port.in;

import io.tsconnector.application.ReadDeadline;
import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;

/** Inbound port: answer one remote-read query with the matching series. */
public interface ReadSeriesUseCase {
    /**
     * Sends every matching series to the consumer, in label order.
     *
     * @param deadline when the read must stop; past it the read ends with
     *        {@link io.tsconnector.application.ReadDeadline.ReadTimeoutException}
     * @throws io.tsconnector.domain.DomainException when no destination can be resolved
     * @throws io.tsconnector.application.StorageException when the store fails
     */
    void read(SeriesQuery query, ReadDeadline deadline, SeriesConsumer consumer);

    /** {@link #read(SeriesQuery, ReadDeadline, SeriesConsumer)} without a deadline. */
    default void read(SeriesQuery query, SeriesConsumer consumer) {
        read(query, ReadDeadline.NONE, consumer);
    }
}
