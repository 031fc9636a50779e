package io.tsconnector.it.e2e;

import io.tsconnector.adapters.timestream.TimestreamClients;
import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.application.port.out.SeriesStoreContract;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * The port contract over the production path: writer and reader on the real AWS SDK clients, built by
 * {@link TimestreamClients} with the default credentials chain, talking HTTP to the fake endpoint.
 */
class TimestreamOverFakeEndpointContractTest extends SeriesStoreContract {
    private FakeTimestreamEndpoint fake;
    private TimestreamWriteClient write;
    private TimestreamQueryClient query;
    private TimestreamSeriesWriter writer;

    @Override
    protected Store createStore() {
        fake = new FakeTimestreamEndpoint().start();
        write = TimestreamClients.write("us-east-1", fake.uri(), 1);
        query = TimestreamClients.query("us-east-1", fake.uri(), 1, Duration.ofSeconds(30));
        writer = new TimestreamSeriesWriter(write, 4);
        return new Store(writer, new TimestreamSeriesReader(query));
    }

    @AfterEach
    void stop() {
        writer.close();
        write.close();
        query.close();
        fake.close();
    }
}
