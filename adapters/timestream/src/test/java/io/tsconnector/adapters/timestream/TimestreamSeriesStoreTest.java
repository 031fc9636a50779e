package io.tsconnector.adapters.timestream;

import io.tsconnector.application.port.out.SeriesStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The port contract over the writer and reader on a fake Timestream that answers in small pages. */
class TimestreamSeriesStoreTest extends SeriesStoreContract {
    private TimestreamSeriesWriter writer;

    @Override
    protected Store createStore() {
        FakeTimestream fake = new FakeTimestream(50, true);
        writer = new TimestreamSeriesWriter(fake.writeClient(), 4);
        return new Store(writer, new TimestreamSeriesReader(fake.queryClient()));
    }

    @AfterEach
    void closeWriter() {
        writer.close();
    }
}
