package io.tsconnector.application.port.in;

import io.tsconnector.domain.TimeSeries;
import java.util.List;

/**
 * Input of {@link WriteSeriesUseCase}: the float series of one remote-write request, plus the number of
 * native histogram samples and exemplars it carried, which Timestream cannot store as floats.
 */
public record WriteCommand(List<TimeSeries> series, long histograms, long exemplars) {
    public WriteCommand {
        series = List.copyOf(series);
    }

    public static WriteCommand of(List<TimeSeries> series) {
        return new WriteCommand(series, 0, 0);
    }
}
