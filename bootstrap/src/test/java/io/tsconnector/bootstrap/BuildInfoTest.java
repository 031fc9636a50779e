package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What the build wrote about itself, and the build_info gauge that shows it on /metrics. */
class BuildInfoTest {
    @Test
    void theMavenBuildFillsInVersionRevisionAndDate() {
        BuildInfo b = BuildInfo.CURRENT;
        assertTrue(b.version().matches("\\d+\\.\\d+\\.\\d+.*"), b.version());
        assertTrue(b.revision().equals("unknown") || b.revision().matches("[0-9a-f]{40}"), b.revision());
        assertTrue(b.buildDate().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), b.buildDate());
        assertEquals(System.getProperty("java.version"), b.javaVersion());
        assertTrue(!b.branch().isEmpty(), "a branch or unknown, never empty");
    }

    @Test
    void metricsShowTheBuildInfoGauge() throws IOException, InterruptedException {
        InMemorySeriesStore store = new InMemorySeriesStore();
        try (Connector c = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0)), store, store)) {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.uri() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            BuildInfo b = BuildInfo.CURRENT;
            String line = "timestream_connector_build_info{version=\"" + b.version() + "\",revision=\"" + b.revision()
                    + "\",branch=\"" + b.branch() + "\",javaversion=\"" + b.javaVersion() + "\",} 1.0";
            assertTrue(metrics.contains(line), metrics.lines().filter(l -> l.contains("build_info")).toList().toString());
        }
    }
}
