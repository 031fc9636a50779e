package io.tsconnector.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;

/**
 * The short CI form of {@link LocalModeScrapeBenchmark}: a real Prometheus scraping node_exporter and itself every
 * second for 20 s, remote-writing into local mode started with the README's command; what Prometheus sent is in
 * the connector's directory after a clean stop, and the connector logged no error.
 */
class LocalModeScrapeTest {
    @TempDir
    Path dir;

    @Test
    void aRealScrapeIsStoredByTheReadmeCommand() throws Exception {
        LocalModeScrapeBenchmark.Figures f = LocalModeScrapeBenchmark.run(dir, Duration.ofSeconds(20), "1s", false);
        assertTrue(f.samplesSent() > 1000, "Prometheus sent " + f.samplesSent() + " samples");
        assertFalse(f.connectorLog().contains("level=error"), f.connectorLog());
        try (LocalTimestream local = LocalTimestream.open(dir.resolve("data").toString(), false)) {
            String count = local.queryClient().query(QueryRequest.builder()
                    .queryString("SELECT count(*) FROM \"prometheusDatabase\".\"prometheusTable\"").build())
                    .rows().get(0).data().get(0).scalarValue();
            assertTrue(Long.parseLong(count) > 1000, "stored " + count);
            assertEquals(1, local.queryClient().query(QueryRequest.builder().queryString(
                    "SELECT DISTINCT measure_name FROM \"prometheusDatabase\".\"prometheusTable\" WHERE measure_name = 'node_load1'").build())
                    .rows().size(), "node_exporter's series are stored");
        }
    }
}
