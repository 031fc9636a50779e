package io.tsconnector.it.support;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.proto.Captures;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test client of a connector: builds remote-write bodies as Prometheus sends them (snappy block of a
 * {@code prometheus.WriteRequest}), posts them, reads counters from the metrics page, finds the wire captures.
 */
public final class RemoteWriteClient {
    public static final String DATABASE_LABEL = "PrometheusDatabaseLabel";
    public static final String TABLE_LABEL = "PrometheusTableLabel";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI connector;

    public RemoteWriteClient(URI connector) {
        this.connector = connector;
    }

    /** Posts a remote-write body with Prometheus' headers. */
    public HttpResponse<String> write(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(connector.resolve("/write"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The value of a counter on the connector's metrics page, 0 when the line is absent. */
    public double counter(String name, String reasonOrNull) {
        HttpRequest request = HttpRequest.newBuilder(connector.resolve("/metrics")).GET().build();
        String page;
        try {
            page = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String labels = reasonOrNull == null ? "" : "\\{reason=\"" + Pattern.quote(reasonOrNull) + "\",?\\}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + labels + " (\\S+)$").matcher(page);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** One series of a write request; {@code labels} are name/value pairs besides __name__ and the destination. */
    public static TimeSeries series(String db, String table, String metric, List<String> labels, long[] times, double[] values) {
        TimeSeries.Builder b = TimeSeries.newBuilder()
                .addLabels(label(DATABASE_LABEL, db))
                .addLabels(label(TABLE_LABEL, table))
                .addLabels(label("__name__", metric));
        for (int i = 0; i < labels.size(); i += 2) {
            b.addLabels(label(labels.get(i), labels.get(i + 1)));
        }
        for (int i = 0; i < times.length; i++) {
            b.addSamples(Sample.newBuilder().setTimestamp(times[i]).setValue(values[i]));
        }
        return b.build();
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    /** The snappy-compressed body of a write request holding {@code series}. */
    public static byte[] body(List<TimeSeries> series) {
        return Snappy.compress(WriteRequest.newBuilder().addAllTimeseries(series).build().toByteArray());
    }

}
