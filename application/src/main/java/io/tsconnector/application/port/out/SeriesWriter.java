package io.tsconnector.application.port.out;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.TimeSeries;
import java.util.List;
import java.util.Map;

/**
 * Outbound port: stores validated series. Writing a sample identical to a stored one (same labels,
 * timestamp and value bits) succeeds again without duplicating it; a different value for a stored
 * labels and timestamp is rejected, so a whole request can always be retried safely.
 */
public interface SeriesWriter {
    /**
     * Stores the series of every destination. Failures of one destination do not stop the others;
     * they are reported in the result, never thrown.
     *
     * @param batch series grouped by destination; labels exclude the destination labels
     */
    StoreResult write(Map<Destination, List<TimeSeries>> batch);
}
