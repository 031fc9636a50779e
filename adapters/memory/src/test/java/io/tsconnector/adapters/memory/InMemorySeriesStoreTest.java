package io.tsconnector.adapters.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.port.out.SeriesStoreContract;
import io.tsconnector.application.port.out.StoreResult;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemorySeriesStoreTest extends SeriesStoreContract {
    private InMemorySeriesStore memory;

    @Override
    protected Store createStore() {
        memory = new InMemorySeriesStore();
        return new Store(memory, memory);
    }

    @Test
    void injectedWriteFailureIsReportedPerDestinationAndOthersAreWritten() {
        memory.injectFailures((op, d) -> d.equals(OTHER) ? new RetryLaterException("throttled") : null);
        TimeSeries s = TimeSeries.of(Labels.of("__name__", "x"), new Sample(1, 1));
        StoreResult r = memory.write(Map.of(MAIN, List.of(s), OTHER, List.of(s)));
        assertEquals(1, r.written());
        assertEquals(1, r.failures().size());
        assertEquals(1, memory.sampleCount(MAIN));
        memory.clearFailures();
        assertEquals(1, memory.write(Map.of(OTHER, List.of(s))).written());
    }

    @Test
    void injectedReadFailureIsThrown() {
        memory.injectFailures((op, d) -> op.equals("read") ? new RetryLaterException("down") : null);
        assertThrows(RetryLaterException.class, () -> memory.read(MAIN, SeriesQuery.of(0, 1), s -> { }));
    }
}
