package io.tsconnector.it.e2e;

import static io.tsconnector.it.support.RemoteWriteClient.body;
import static io.tsconnector.it.support.RemoteWriteClient.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.http.SelfSignedCertificate;
import io.tsconnector.adapters.influxdb.InfluxCallObserver;
import io.tsconnector.adapters.influxdb.InfluxCredentials;
import io.tsconnector.adapters.influxdb.InfluxHttp;
import io.tsconnector.adapters.influxdb.InfluxSeriesReader;
import io.tsconnector.adapters.influxdb.InfluxSeriesWriter;
import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.adapters.influxdb.InfluxSettings;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.it.support.RemoteWriteClient;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An InfluxDB on HTTPS, as every Timestream for InfluxDB instance is: a real influxd with a self-signed
 * certificate; writes and reads (both answer types, both of which reach InfluxDB's {@code /query}) go through
 * when the connector's TLS context trusts the certificate, and a certificate it does not trust is refused with
 * the reason in the answer, never read past.
 */
class InfluxTlsTest {
    private static final String DB = "tlsdb";
    private static final String TABLE = "metrics";
    private static final long NOW = System.currentTimeMillis() / 1000 * 1000;

    private static Connector connector(InfluxHttp http) {
        return Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL)
                .withWritePolicy(WritePolicy.DEFAULT), new InfluxSeriesWriter(http), new InfluxSeriesReader(http));
    }

    private static RemoteCalls.Answer read(Connector c, ReadRequest.ResponseType... types) {
        return RemoteCalls.read(c.uri(), RemoteCalls.readRequest(List.of(SeriesQuery.of(NOW - 600_000, NOW + 60_000,
                Matcher.eq("__name__", "tls_total"), Matcher.eq(RemoteWriteClient.DATABASE_LABEL, DB),
                Matcher.eq(RemoteWriteClient.TABLE_LABEL, TABLE))), types));
    }

    @Test
    void readsAndWritesGoOverHttpsToATrustedCertificateOnly(@TempDir Path dir) throws Exception {
        InfluxServer.requireBinary();
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir, "EC");
        SSLContext trust = cert.clientContext();
        try (InfluxServer influx = InfluxServer.start(new InfluxServer.Tls(cert.certificate, cert.key, trust))) {
            assertEquals("https", influx.uri().getScheme());
            influx.createDatabase(DB);
            InfluxSettings settings = InfluxSettings.of(influx.uri(), InfluxCredentials.none()).withRetries(1, 1);
            int series = 50;
            int samples = 40;
            long[] times = new long[samples];
            double[] values = new double[samples];
            List<io.tsconnector.proto.prometheus.TimeSeries> sent = new ArrayList<>();
            for (int s = 0; s < series; s++) {
                for (int i = 0; i < samples; i++) {
                    times[i] = NOW - 590_000 + i * 15_000L;
                    values[i] = s * 1000 + i + 0.25;
                }
                sent.add(series(DB, TABLE, "tls_total", List.of("instance", "host-" + s), times, values));
            }
            try (Connector c = connector(new InfluxHttp(settings, InfluxCallObserver.NONE, trust))) {
                HttpResponse<String> w = new RemoteWriteClient(c.uri()).write(body(sent));
                assertEquals(204, w.statusCode(), w.body());
                List<TimeSeries> got = RemoteCalls.samples(read(c)).get(0);
                assertEquals(series, got.size());
                List<TimeSeries> streamed = RemoteCalls.streamed(read(c, ReadRequest.ResponseType.STREAMED_XOR_CHUNKS), 1).get(0);
                assertEquals(got, streamed);
                for (TimeSeries ts : got) {
                    int s = Integer.parseInt(ts.labels().get("instance").substring("host-".length()));
                    assertEquals(samples, ts.samples().size(), ts.labels().toString());
                    assertEquals(new Sample(NOW - 590_000, s * 1000 + 0.25), ts.samples().get(0));
                    assertEquals(Labels.of("__name__", "tls_total", "instance", "host-" + s,
                            RemoteWriteClient.DATABASE_LABEL, DB, RemoteWriteClient.TABLE_LABEL, TABLE), ts.labels());
                }
            }
            // the JDK's trust store does not hold the self-signed certificate: refused, with the reason
            try (Connector c = connector(new InfluxHttp(settings))) {
                HttpResponse<String> w = new RemoteWriteClient(c.uri()).write(body(sent));
                assertEquals(503, w.statusCode(), w.body());
                assertTrue(w.body().contains("SSLHandshakeException"), w.body());
                RemoteCalls.Answer r = read(c);
                assertEquals(503, r.status(), r.text());
                assertTrue(r.text().contains("SSLHandshakeException"), r.text());
            }
        }
    }
}
