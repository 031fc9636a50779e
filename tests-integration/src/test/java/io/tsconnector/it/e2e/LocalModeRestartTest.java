package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.proto.Captures;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode keeps what Prometheus wrote across a restart: real Prometheus remote-write bodies go in over
 * HTTP, the connector stops and starts again on the same directory, and remote read gives back every
 * finite sample of every series, bit for bit.
 */
class LocalModeRestartTest {
    private static final List<String> FIXTURES = List.of("rw1-scrape-self", "rw1-stale-markers", "rw1-exemplars",
            "rw1-native-histogram");

    @TempDir
    Path dir;

    private ConnectorSettings settings() {
        return ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels("PrometheusDatabaseLabel", "PrometheusTableLabel")
                .withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath(dir.toString()));
    }

    /** What Prometheus sent: per series, its finite samples by time (Timestream cannot hold NaN). */
    private static List<TimeSeries> expected() throws IOException {
        Map<Labels, TreeMap<Long, Double>> bySeries = new TreeMap<>();
        for (String name : FIXTURES) {
            WriteRequest request = WriteRequest.parseFrom((Captures.read(name + ".pb")));
            for (TimeSeries ts : RemoteCalls.series(request)) {
                for (Sample s : ts.samples()) {
                    if (Double.isFinite(s.value())) {
                        bySeries.computeIfAbsent(ts.labels(), l -> new TreeMap<>()).put(s.timestampMs(), s.value());
                    }
                }
            }
        }
        List<TimeSeries> out = new ArrayList<>();
        bySeries.forEach((labels, samples) -> out.add(new TimeSeries(labels,
                samples.entrySet().stream().map(e -> new Sample(e.getKey(), e.getValue())).toList())));
        return out;
    }

    private static ReadRequest everything(ReadRequest.ResponseType... types) {
        return RemoteCalls.readRequest(List.of(SeriesQuery.of(1_795_595_000_000L, 1_795_596_000_000L,
                Matcher.eq("PrometheusDatabaseLabel", "promDB"), Matcher.eq("PrometheusTableLabel", "promTable"),
                Matcher.re("__name__", ".+"))), types);
    }

    private static void writeFixtures(Connector connector) throws IOException {
        for (String name : FIXTURES) {
            RemoteCalls.Answer answer = RemoteCalls.writeBody(connector.uri(), (Captures.read(name + ".bin")));
            // exemplars and native histograms cannot be stored: 400 tells Prometheus not to resend, the samples are kept
            assertTrue(answer.status() / 100 == 2 || answer.status() == 400 && answer.text().contains("cannot be stored"),
                    name + " answered " + answer.status() + ": " + answer.text());
        }
    }

    @Test
    void dataWrittenBeforeARestartIsReadBackAfterIt() throws IOException {
        List<TimeSeries> expected = expected();
        // 418 + 8 + 11 + 6 distinct float series, less the 17 summary quantiles of the self scrape that are only NaN
        assertEquals(418 + 8 + 11 + 6 - 17, expected.size(), "series with finite samples in the fixtures");
        try (Connector connector = Connector.start(settings())) {
            writeFixtures(connector);
            assertEquals(expected, RemoteCalls.samples(RemoteCalls.read(connector.uri(), everything())).get(0));
        }
        try (Connector connector = Connector.start(settings())) {
            assertEquals(expected, RemoteCalls.samples(RemoteCalls.read(connector.uri(), everything())).get(0),
                    "SAMPLES after restart");
            assertEquals(expected, RemoteCalls.streamed(RemoteCalls.read(connector.uri(),
                    everything(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)), 1).get(0), "STREAMED_XOR_CHUNKS after restart");
            // Prometheus resends a batch it got no answer for: identical records are accepted again, nothing changes
            writeFixtures(connector);
            assertEquals(expected, RemoteCalls.samples(RemoteCalls.read(connector.uri(), everything())).get(0),
                    "after the same bodies were written again");
        }
    }
}
