package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tsconnector.application.port.out.SeriesStoreContract;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbound-port contract on a real influxd, through the v1 HTTP API; long reads split by time. */
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

    @Test
    void longReadSplitByTimeReturnsWhatOneQueryReturns() {
        long t0 = 1_795_595_300_000L;
        List<TimeSeries> written = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i <= 240; i++) {
                samples.add(new Sample(t0 + i * 60_000L + s, s * 1000 + i));
            }
            written.add(new TimeSeries(Labels.of("__name__", "long", "s", "s" + s), samples));
        }
        assertEquals(3 * 241, writer.write(Map.of(MAIN, written)).written());
        SeriesQuery query = SeriesQuery.of(t0, t0 + 240 * 60_000L + 2, Matcher.eq("__name__", "long"));
        List<TimeSeries> whole = new ArrayList<>();
        List<TimeSeries> split = new ArrayList<>();
        InfluxSettings base = InfluxSettings.of(server.uri(), InfluxCredentials.none());
        new InfluxSeriesReader(new InfluxHttp(base.withReadParallelism(1))).read(MAIN, query, whole::add);
        // 4 hours: four parts of an hour, whose edges fall on points
        new InfluxSeriesReader(new InfluxHttp(base.withReadParallelism(4))).read(MAIN, query, split::add);
        assertEquals(written, whole);
        assertEquals(written, split);
    }

    @AfterEach
    void closeWriter() {
        writer.close();
    }
}
