package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Label;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.support.RemoteWriteClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus 2.42 remote-writes its own metrics through a connector on the Timestream storage (real
 * SDK clients) into the fake Timestream endpoint.
 */
class RealPrometheusToFakeTimestreamTest {
    private static final Destination PROM = new Destination("promDB", "promTable");
    private static final long WAIT_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void selfScrapeArrivesInTimestreamAsRecordsWithDimensions() throws Exception {
        Path binary = PrometheusServer.requireBinary("RealPrometheusToFakeTimestreamTest");
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
             Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                     .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL)
                     .withStorage(new StorageSettings(Storage.TIMESTREAM, "us-east-1", fake.uri(), fake.uri(), 1, 1, 16,
                             "./data", true)));
             PrometheusServer prometheus = PrometheusServer.start(binary, "source", dir,
                     port -> selfScrapeConfig(port, connector.uri()))) {
            TimestreamSeriesReader reader = new TimestreamSeriesReader(fake.local().queryClient());
            List<TimeSeries> up = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (up.isEmpty() && System.currentTimeMillis() < deadline && prometheus.isAlive()) {
                Thread.sleep(500);
                if (fake.writeCalls() > 0) {
                    long now = System.currentTimeMillis();
                    reader.read(PROM, SeriesQuery.of(now - 3_600_000, now + 60_000, Matcher.eq("__name__", "up")), up::add);
                }
            }
            assertFalse(up.isEmpty(), "no `up` record reached the fake within " + WAIT_MS / 1000 + " s; write calls: "
                    + fake.writeCalls() + "; Prometheus log:\n" + prometheus.logTail(60));

            TimeSeries series = up.get(0);
            assertEquals(1, up.size(), "one `up` series: " + up);
            assertEquals("prometheus", series.labels().get("job"));
            assertEquals("127.0.0.1:" + prometheus.port(), series.labels().get("instance"));
            assertEquals(3, series.labels().size(), "__name__, instance and job only: " + series.labels());
            for (Sample s : series.samples()) {
                assertEquals(1.0, s.value(), "up of a target that answers");
            }

            long now = System.currentTimeMillis();
            List<TimeSeries> everything = new ArrayList<>();
            reader.read(PROM, SeriesQuery.of(now - 3_600_000, now + 60_000, Matcher.re("__name__", ".+")), everything::add);
            assertTrue(everything.size() > 50, "Prometheus' own metrics are stored: " + everything.size() + " series");
            for (TimeSeries s : everything) {
                for (Label l : s.labels()) {
                    assertFalse(l.name().equals(RemoteWriteClient.DATABASE_LABEL) || l.name().equals(RemoteWriteClient.TABLE_LABEL),
                            "destination labels are not stored as dimensions: " + s.labels());
                }
                for (Sample x : s.samples()) {
                    assertTrue(Double.isFinite(x.value()), "finite value in " + s.labels());
                }
            }
        }
    }

    /** Scrapes itself every second and remote-writes with the destination labels added. */
    private static String selfScrapeConfig(int port, java.net.URI connector) {
        return PrometheusServer.everySecondWritingTo(port, java.util.Map.of(), connector, PROM.database(), PROM.table(),
                List.of(), List.of());
    }
}
