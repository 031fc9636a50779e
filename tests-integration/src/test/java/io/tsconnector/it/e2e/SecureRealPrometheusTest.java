package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tsconnector.adapters.http.BasicAuthUsers;
import io.tsconnector.adapters.http.InboundSecurity;
import io.tsconnector.adapters.http.PemTls;
import io.tsconnector.adapters.http.SelfSignedCertificate;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.it.support.PrometheusServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus remote-writes over HTTPS, verifying the connector's self-signed certificate with
 * {@code tls_config.ca_file} and authenticating with {@code basic_auth}, as a user would configure it.
 */
class SecureRealPrometheusTest {
    private static final Destination DESTINATION = new Destination("promDB", "promTable");
    /** bcrypt of "wonderland" at the cost htpasswd -B uses by default, so the verification cache matters. */
    private static final String ALICE_HASH = "$2y$10$Kq3m8Yb1cV0x2Zr7tLp9UezZrtybthfCqkgC5MiSAV5vW.aKzdVLy";
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void prometheusWritesOverTlsWithBasicAuth() throws Exception {
        Path binary = prometheusBinary();
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir.resolve("tls"), "RSA");
        InMemorySeriesStore store = new InMemorySeriesStore();
        InboundSecurity security = new InboundSecurity(PemTls.load(cert.certificate, cert.key),
                new BasicAuthUsers(Map.of("alice", ALICE_HASH)));
        try (Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels("PrometheusDatabaseLabel", "PrometheusTableLabel"), security, store, store)) {
            assertTrue(connector.uri().toString().startsWith("https://"), connector.uri().toString());
            try (PrometheusServer prometheus = PrometheusServer.start(binary, "tls-source", dir.resolve("prometheus"),
                    port -> config(port, connector.uri().toString(), cert.certificate))) {
                long deadline = System.nanoTime() + DATA_TIMEOUT.toNanos();
                while (store.sampleCount(DESTINATION) == 0) {
                    if (System.nanoTime() > deadline) {
                        fail("no sample reached the connector over TLS with basic auth within " + DATA_TIMEOUT
                                + "; Prometheus log:\n" + prometheus.logTail(40));
                    }
                    Thread.sleep(200);
                }
                String log = prometheus.logText();
                assertTrue(!log.contains("HTTP status 401") && !log.contains("x509:"), "Prometheus reports errors:\n" + log);
            }
        }
    }

    static String config(int ownPort, String connector, Path caFile) {
        return """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: %s/write
                    tls_config:
                      ca_file: %s
                    basic_auth:
                      username: alice
                      password: wonderland
                    write_relabel_configs:
                      - target_label: PrometheusDatabaseLabel
                        replacement: promDB
                      - target_label: PrometheusTableLabel
                        replacement: promTable
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 30ms
                      max_backoff: 1s
                """.formatted(ownPort, connector, caFile);
    }

    private static Path prometheusBinary() {
        return PrometheusServer.requireBinary("SecureRealPrometheusTest");
    }
}
