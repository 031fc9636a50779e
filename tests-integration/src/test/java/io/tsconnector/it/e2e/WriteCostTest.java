package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.support.RemoteWriteClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write bill on real data: a real Prometheus scrapes a real node_exporter and itself every second and
 * remote-writes through the connector (real AWS SDK) into the fake Timestream endpoint, which meters every
 * accepted call by Timestream's documented rule. The connector's own write-unit metrics must agree with the
 * endpoint exactly, and the bill must be at most 0.6 of the one-record-per-sample layout for the same records.
 */
class WriteCostTest {
    private static final String DB = "promDB";
    private static final String TABLE = "promTable";
    private static final long SCRAPE_SECONDS = Long.getLong("writecost.seconds", 25);

    @TempDir
    Path dir;

    @Test
    void nodeExporterAndSelfScrapeCostAtMostSixTenthsOfOneRecordPerSample() throws Exception {
        Path prometheusBinary = PrometheusServer.requireBinary("WriteCostTest");
        Path nodeExporter = nodeExporterBinary();
        int nodePort = PrometheusServer.freePort();
        Process node = new ProcessBuilder(nodeExporter.toString(), "--web.listen-address=127.0.0.1:" + nodePort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("node_exporter.log").toFile()).start();
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start()) {
            fake.discardWrites(true); // metered and parsed, not stored: the bill is the subject here
            try (Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                    .withDestinationLabels(RemoteWriteClient.DATABASE_LABEL, RemoteWriteClient.TABLE_LABEL)
                    .withStorage(new StorageSettings(Storage.TIMESTREAM, "us-east-1", fake.uri(), fake.uri(), 1, 1, 16,
                            "./data", true)))) {
                try (PrometheusServer prometheus = PrometheusServer.start(prometheusBinary, "source", dir.resolve("prom"),
                        port -> config(port, nodePort, connector.uri()))) {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(SCRAPE_SECONDS));
                    assertTrue(prometheus.isAlive(), prometheus.logTail(40));
                }
                Thread.sleep(500); // let calls answered before Prometheus stopped reach the metrics
                double connectorUnits = value(connector, "timestream_connector_write_units_total");
                double connectorBytes = value(connector, "timestream_connector_write_metered_bytes_total");
                double records = value(connector, "timestream_connector_write_records_total");
                long[] metered = fake.metered(DB, TABLE);
                long[] naive = fake.meteredOneRecordPerSample();
                System.out.printf(Locale.ROOT, "WriteCostTest: %.0f records in %d calls; write units %.0f (%.1f per 1,000 samples), "
                                + "metered bytes %.0f (%.1f per sample); one record per sample: %d units (%.1f per 1,000), "
                                + "ratio %.3f%n", records, fake.writeCalls(), connectorUnits, 1000 * connectorUnits / records,
                        connectorBytes, connectorBytes / records, naive[1], 1000.0 * naive[1] / records,
                        connectorUnits / naive[1]);
                assertTrue(records > 1000, "too few samples arrived: " + records);
                assertEquals(metered[2], (long) records, "records: connector and endpoint agree");
                assertEquals(metered[0], (long) connectorBytes, "metered bytes: connector and endpoint agree");
                assertEquals(metered[1], (long) connectorUnits, "write units: connector and endpoint agree");
                assertTrue(connectorUnits <= 0.6 * naive[1], "write units " + connectorUnits
                        + " above 0.6 x the one-record-per-sample layout's " + naive[1]);
            }
        } finally {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double value(Connector connector, String name) {
        Double v = connector.registry().getSampleValue(name, new String[] {"database", "table"}, new String[] {DB, TABLE});
        return v == null ? 0 : v;
    }

    private static Path nodeExporterBinary() {
        for (String candidate : new String[] {"/usr/bin/prometheus-node-exporter", "/usr/sbin/prometheus-node-exporter",
                "/usr/local/bin/node_exporter"}) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter;"
                + " .ci/run installs it)");
    }

    private static String config(int port, int nodePort, URI connector) {
        return PrometheusServer.everySecondWritingTo(port, java.util.Map.of("node", "127.0.0.1:" + nodePort), connector,
                DB, TABLE, List.of(), List.of());
    }
}
