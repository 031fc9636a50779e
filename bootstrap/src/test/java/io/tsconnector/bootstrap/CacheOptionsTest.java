package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The cache sizes are options like any other and reach the caches, whose counters are exported. */
class CacheOptionsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void flagsAndLambdaVariablesSetTheSizesAndDefaultsAreTheDocumentedOnes() {
        assertEquals(CacheSettings.DEFAULT, Flags.parse(new String[0]).toSettings().caches());
        assertEquals(new CacheSettings(200_000, 200_000, 100_000), CacheSettings.DEFAULT);
        assertEquals(new CacheSettings(10, 0, 5), Flags.parse(new String[] {"--cache.remote-write-labels=10",
                "--cache.write-series=0", "--cache.timestream-series=5"}).toSettings().caches());
        assertEquals(new CacheSettings(7, 8, 9), LambdaSettings.fromEnvironment(Map.of("cache_remote_write_labels", "7",
                "cache_write_series", "8", "cache_timestream_series", "9")).caches());
        String error = assertThrows(IllegalArgumentException.class,
                () -> Flags.parse(new String[] {"--cache.write-series=-1"}).toSettings()).getMessage();
        assertTrue(error.contains("--cache.write-series"), error);
    }

    @Test
    void everyCacheOfTheWritePathIsExportedAndASizeOfZeroTurnsItOff() throws Exception {
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withDestinationLabels("db", "table")
                .withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath("mem:cache-options"))
                .withCaches(new CacheSettings(1000, 0, 1000));
        try (Connector c = Connector.start(settings)) {
            byte[] body = Snappy.compress(WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                    .addLabels(Label.newBuilder().setName("db").setValue("d"))
                    .addLabels(Label.newBuilder().setName("table").setValue("t"))
                    .addSamples(Sample.newBuilder().setTimestamp(System.currentTimeMillis()).setValue(1)))
                    .build().toByteArray());
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(c.uri() + "/write"))
                        .header("Content-Encoding", "snappy").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(204, r.statusCode(), r.body());
            }
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(c.uri() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            // the same series three times: one miss, then hits where the cache is on
            assertEquals(2.0, value(metrics, "timestream_connector_cache_hits_total{cache=\"remote_write_labels\",}"));
            assertEquals(1.0, value(metrics, "timestream_connector_cache_misses_total{cache=\"remote_write_labels\",}"));
            assertEquals(0.0, value(metrics, "timestream_connector_cache_hits_total{cache=\"write_series\",}"));
            assertEquals(3.0, value(metrics, "timestream_connector_cache_misses_total{cache=\"write_series\",}"));
            assertEquals(0.0, value(metrics, "timestream_connector_cache_entries{cache=\"write_series\",}"));
            assertEquals(2.0, value(metrics, "timestream_connector_cache_hits_total{cache=\"timestream_series\",}"));
            assertEquals(1.0, value(metrics, "timestream_connector_cache_entries{cache=\"timestream_series\",}"));
        }
    }

    private static double value(String metrics, String series) {
        String line = metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(series + " missing in\n" + metrics));
        return Double.parseDouble(line.substring(series.length() + 1));
    }
}
