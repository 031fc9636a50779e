package io.tsconnector.application.port.out;

import io.tsconnector.application.ReadDeadline;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;

/**
 * Outbound port: finds stored series with Prometheus semantics: every matcher holds (an absent
 * label matches like ""), samples lie within the inclusive range, series without samples in the
 * range are left out, series come in label order, samples in time order.
 */
public interface SeriesReader {
    /**
     * @param query matchers on stored labels only (no destination labels)
     * @throws io.tsconnector.application.StorageException when the store fails
     */
    void read(Destination destination, SeriesQuery query, SeriesConsumer consumer);

    /**
     * The same, stopping with {@link io.tsconnector.application.ReadDeadline.ReadTimeoutException} once the
     * deadline passes. Stores whose calls can run long (pages, remote queries) override this to check the
     * deadline between calls, bound each call by the time left and cancel what they started; the default
     * checks before and after the whole read only.
     */
    default void read(Destination destination, SeriesQuery query, ReadDeadline deadline, SeriesConsumer consumer) {
        deadline.check("before it started");
        read(destination, query, consumer);
    }
}
