package io.tsconnector.it.reliability;

import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.InfluxOptions;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: a connector on one of the stores CI runs (memory, local, Timestream over the fake endpoint,
 * InfluxDB), started as {@code main} would start it, with whatever the store needs around it.
 */
final class FuzzStores {
    static final String DATABASE_LABEL = "PrometheusDatabaseLabel";
    static final String TABLE_LABEL = "PrometheusTableLabel";
    /** Databases the fuzz writes to: the captures' and the generated requests'. */
    static final List<String> DATABASES = List.of("promDB", "fuzzDB", "baseDB");

    /** A started connector, the fake endpoint when the store is Timestream, and what to close. */
    record Running(Connector connector, FakeTimestreamEndpoint fake, List<AutoCloseable> resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            connector.close();
            for (AutoCloseable r : resources) {
                r.close();
            }
        }
    }

    private FuzzStores() {
    }

    /**
     * The connector's read limit in the fuzz: below the fuzz's answer bound, so a read of all the history the
     * fuzz wrote (a mutation that removed its time range) ends within the bound, answered or stopped.
     */
    static final Duration READ_TIMEOUT = Duration.ofMillis(Long.getLong("fuzz.readTimeoutMs", 8_000));

    static Running start(String store) {
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(DATABASE_LABEL, TABLE_LABEL)
                .withLimits(Limits.DEFAULT.withReadTimeout(READ_TIMEOUT));
        List<AutoCloseable> resources = new ArrayList<>();
        switch (store) {
            case "memory" -> {
                return new Running(Connector.start(settings.withStorage(StorageSettings.DEFAULT.withStorage(Storage.MEMORY))),
                        null, resources);
            }
            case "local" -> {
                // on disk, as local mode runs for its users
                Path dir = temporaryDirectory();
                resources.add(() -> deleteTree(dir));
                return new Running(Connector.start(settings.withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL)
                        .withLocalPath(dir.resolve("data").toString()))), null, resources);
            }
            case "timestream" -> {
                // the fake keeps what it stores on disk, so RSS measures the connector rather than the fake's data
                Path dir = temporaryDirectory();
                FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint(dir.resolve("fake").toString(), true).start();
                resources.add(() -> deleteTree(dir));
                resources.add(0, fake);
                return new Running(Connector.start(settings.withStorage(new StorageSettings(Storage.TIMESTREAM, "us-east-1",
                        fake.uri(), fake.uri(), 1, 1, 16, "./data", true))), fake, resources);
            }
            case "influxdb" -> {
                InfluxServer.requireBinary();
                InfluxServer influx = InfluxServer.start();
                resources.add(influx);
                for (String db : DATABASES) {
                    influx.createDatabase(db);
                }
                return new Running(Connector.start(settings.withStorage(StorageSettings.DEFAULT
                        .withInfluxdb(InfluxOptions.of(influx.uri())))), null, resources);
            }
            default -> throw new IllegalArgumentException(store);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("fuzz-fake-timestream");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Boolean.getBoolean("fuzz.keepData")) {
            System.out.println("FuzzStores: data kept in " + dir);
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
