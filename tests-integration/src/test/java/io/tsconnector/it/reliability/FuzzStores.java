package io.tsconnector.it.reliability;

import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.InfluxOptions;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

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

    static Running start(String store) {
        ConnectorSettings settings = ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDestinationLabels(DATABASE_LABEL, TABLE_LABEL);
        List<AutoCloseable> resources = new ArrayList<>();
        switch (store) {
            case "memory" -> {
                return new Running(Connector.start(settings.withStorage(StorageSettings.DEFAULT.withStorage(Storage.MEMORY))),
                        null, resources);
            }
            case "local" -> {
                return new Running(Connector.start(settings.withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL)
                        .withLocalPath("mem:fuzz-" + System.nanoTime()))), null, resources);
            }
            case "timestream" -> {
                FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
                resources.add(fake);
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
}
