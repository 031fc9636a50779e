package io.tsconnector.adapters.influxdb;

import io.tsconnector.application.port.out.SeriesStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The outbound-port contract on a real influxd, through the v1 HTTP API. */
class InfluxSeriesStoreTest extends SeriesStoreContract {
    private static InfluxServer server;
    private InfluxSeriesWriter writer;

    @BeforeAll
    static void startInflux() {
        server = InfluxServer.start();
    }

    @AfterAll
    static void stopInflux() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Store createStore() {
        for (String db : new String[] {MAIN.database(), OTHER.database()}) {
            server.dropDatabase(db);
            server.createDatabase(db);
        }
        InfluxHttp http = new InfluxHttp(InfluxSettings.of(server.uri(), InfluxCredentials.none()).withBatchPoints(100));
        writer = new InfluxSeriesWriter(http);
        return new Store(writer, new InfluxSeriesReader(http));
    }

    @AfterEach
    void closeWriter() {
        writer.close();
    }
}
