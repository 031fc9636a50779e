package io.tsconnector.adapters.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.prometheus.TimeSeries;
import java.io.IOException;

/** Test helper: checks a SAMPLES read of the series of the {@code rw1-stale-markers} capture, whatever transport answered it. */
public final class StaleMarkersRead {
    private StaleMarkersRead() {
    }

    /** The one series of the answer, after checking it holds the two finite samples of the capture. */
    public static TimeSeries series(byte[] snappyBody) throws IOException {
        ReadResponse response = ReadResponse.parseFrom(Snappy.decompress(snappyBody, snappyBody.length, 1 << 20));
        assertEquals(1, response.getResultsCount());
        assertEquals(1, response.getResults(0).getTimeseriesCount());
        TimeSeries ts = response.getResults(0).getTimeseries(0);
        assertEquals(2, ts.getSamplesCount(), "two finite samples; the stale marker was not stored");
        assertEquals(210.0, ts.getSamples(0).getValue());
        return ts;
    }
}
