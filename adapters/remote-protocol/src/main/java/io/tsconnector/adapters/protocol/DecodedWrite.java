package io.tsconnector.adapters.protocol;

import io.tsconnector.domain.TimeSeries;
import java.util.List;

/** A decoded remote-write request: float series plus counts of what Timestream cannot store. */
public record DecodedWrite(List<TimeSeries> series, long samples, long histograms, long exemplars, int metadata) {
}
