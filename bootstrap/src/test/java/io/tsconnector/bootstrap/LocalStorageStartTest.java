package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local mode as the connector starts it: storage files, the storage size gauge, the engine's call metrics. */
class LocalStorageStartTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static ConnectorSettings local(InetSocketAddress address, Path data) {
        return ConnectorSettings.defaults(address).withDestinationLabels("db", "table")
                .withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath(data.toString()));
    }

    @Test
    void aPortClashLeavesNoStorageFilesBehind() throws IOException {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Connector.start(local(address, data)));
            assertTrue(e.getMessage().startsWith("cannot listen on"), e.getMessage());
        }
        assertFalse(Files.exists(data), "the storage directory was created");
    }

    @Test
    void theStorageSizeIsAGauge() throws Exception {
        try (Connector c = Connector.start(local(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), dir.resolve("data")))) {
            String metrics = metrics(c);
            String line = metrics.lines().filter(l -> l.startsWith("timestream_connector_local_storage_bytes ")).findFirst().orElseThrow();
            assertTrue(Double.parseDouble(line.substring(line.indexOf(' ') + 1)) > 0, line);
        }
    }

    /**
     * The engine's calls are in the storage call metrics under Timestream's operation names, so the dashboard's
     * storage latency panels show local mode; retries and throttles exist at 0 (the engine has neither).
     */
    @Test
    void engineCallsAreTimedUnderTimestreamsOperationNames() throws Exception {
        try (Connector c = Connector.start(local(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), dir.resolve("data")))) {
            for (String operation : new String[] {"WriteRecords", "Query"}) {
                assertEquals(0.0, value(metrics(c), "timestream_connector_storage_call_duration_seconds_count", operation));
            }
            long now = System.currentTimeMillis();
            WriteRequest write = WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                    .addLabels(Label.newBuilder().setName("db").setValue("promDB"))
                    .addLabels(Label.newBuilder().setName("table").setValue("promTable"))
                    .addSamples(Sample.newBuilder().setTimestamp(now).setValue(1))).build();
            assertEquals(204, post(c, "/write", write.toByteArray()));
            ReadRequest read = ReadRequest.newBuilder().addQueries(Query.newBuilder()
                    .setStartTimestampMs(now - 60_000).setEndTimestampMs(now + 60_000)
                    .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("up"))
                    .addMatchers(LabelMatcher.newBuilder().setName("db").setValue("promDB"))
                    .addMatchers(LabelMatcher.newBuilder().setName("table").setValue("promTable"))).build();
            assertEquals(200, post(c, "/read", read.toByteArray()));

            String text = metrics(c);
            for (String operation : new String[] {"WriteRecords", "Query"}) {
                assertTrue(value(text, "timestream_connector_storage_call_duration_seconds_count", operation) >= 1,
                        operation + " timed:\n" + text);
                assertTrue(value(text, "timestream_connector_storage_call_duration_seconds_sum", operation) > 0, operation);
                assertEquals(0.0, value(text, "timestream_connector_storage_retries_total", operation), operation);
                assertEquals(0.0, value(text, "timestream_connector_storage_throttles_total", operation), operation);
            }
        }
    }

    /**
     * With tables created on first write, a read of a table not written yet answers nothing (Prometheus would
     * warn about a 404 on every query until its first samples arrive); without, it is a 404 as on AWS.
     */
    @Test
    void aTableNotWrittenYetReadsEmptyWhereTheFirstWriteCreatesIt() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        ReadRequest read = ReadRequest.newBuilder().addQueries(Query.newBuilder()
                .setStartTimestampMs(0).setEndTimestampMs(System.currentTimeMillis())
                .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("up"))
                .addMatchers(LabelMatcher.newBuilder().setName("db").setValue("notYet"))
                .addMatchers(LabelMatcher.newBuilder().setName("table").setValue("written"))).build();
        try (Connector c = Connector.start(local(any, dir.resolve("created")))) {
            assertEquals(200, post(c, "/read", read.toByteArray()));
        }
        ConnectorSettings asOnAws = local(any, dir.resolve("as-on-aws"));
        asOnAws = asOnAws.withStorage(new StorageSettings(Storage.LOCAL, "us-east-1", null, null, 3, 3, 4,
                dir.resolve("as-on-aws").toString(), false));
        try (Connector c = Connector.start(asOnAws)) {
            assertEquals(404, post(c, "/read", read.toByteArray()));
        }
    }

    private static int post(Connector c, String path, byte[] message) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(c.uri() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(message)))
                .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf");
        request.header(path.equals("/write") ? "X-Prometheus-Remote-Write-Version" : "X-Prometheus-Remote-Read-Version",
                "0.1.0");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String metrics(Connector c) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(c.uri() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of {@code name{operation="..."}}; fails when the series is absent. */
    private static double value(String text, String name, String operation) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{operation=\"" + operation + "\",?\\} (\\S+)$").matcher(text);
        assertTrue(m.find(), name + "{operation=\"" + operation + "\"} in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
