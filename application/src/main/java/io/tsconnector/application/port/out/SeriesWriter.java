package io.tsconnector.application.port.out;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.domain.Violation;
import java.util.List;
import java.util.Map;

/**
 * Outbound port: stores validated series. Writing a sample identical to a stored one (same labels,
 * timestamp and value bits) succeeds again without duplicating it; a different value for a stored
 * labels and timestamp is rejected, or replaces it in a store that keeps the last value written (see
 * {@link #keepsLastValue()}); either way a whole request can always be retried safely.
 */
public interface SeriesWriter {
    /**
     * Stores the series of every destination. Failures of one destination do not stop the others;
     * they are reported in the result, never thrown.
     *
     * @param batch series grouped by destination; labels exclude the destination labels
     */
    StoreResult write(Map<Destination, List<TimeSeries>> batch);

    /**
     * A rule of this store, beyond the domain's {@link io.tsconnector.domain.SampleValidator}, that the stored
     * labels of a series break, so the series cannot be stored unaltered; null when it can. The write service
     * applies the {@code fail-on-long-label} option to it like to the domain's rules.
     */
    default Violation checkLabels(Labels stored) {
        return null;
    }

    /** Whether a different value for a stored labels and timestamp replaces it instead of being rejected. */
    default boolean keepsLastValue() {
        return false;
    }
}
