package io.tsconnector.it.e2e;

import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import io.tsconnector.application.port.out.SeriesStoreContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/** The outbound-port contract on local mode: the Timestream adapter, as used for AWS, on the embedded engine. */
class LocalModeContractTest extends SeriesStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private LocalTimestream local;
    private TimestreamSeriesWriter writer;

    @Override
    protected Store createStore() {
        local = LocalTimestream.open("mem:local-contract-" + DATABASES.incrementAndGet(), true);
        writer = new TimestreamSeriesWriter(local.writeClient(), 4);
        return new Store(writer, new TimestreamSeriesReader(local.queryClient()));
    }

    @AfterEach
    void close() {
        writer.close();
        local.close();
    }
}
