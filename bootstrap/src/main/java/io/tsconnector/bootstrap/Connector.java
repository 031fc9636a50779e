package io.tsconnector.bootstrap;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.hotspot.DefaultExports;
import io.tsconnector.adapters.http.ConnectorHttpServer;
import io.tsconnector.adapters.http.HttpServerSettings;
import io.tsconnector.adapters.http.InboundSecurity;
import io.tsconnector.adapters.protocol.ConnectorMetrics;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Composition root: builds the object graph of one connector by hand and runs its HTTP server.
 * {@link #start(ConnectorSettings)} / {@link #close()} are what {@code main} and end-to-end tests use.
 */
public final class Connector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Connector.class.getName());

    private final ConnectorHttpServer server;
    private final CollectorRegistry registry;
    private final AutoCloseable storageResources;

    private Connector(ConnectorHttpServer server, CollectorRegistry registry, AutoCloseable storageResources) {
        this.server = server;
        this.registry = registry;
        this.storageResources = storageResources;
    }

    /** Starts a connector on the storage its settings name. */
    public static Connector start(ConnectorSettings settings) {
        return start(settings, InboundSecurity.NONE);
    }

    /** Starts a connector on the storage its settings name, with TLS and/or basic authentication. */
    public static Connector start(ConnectorSettings settings, InboundSecurity security) {
        // a port clash must stop start-up before the storage creates its files
        checkListenAddressFree(settings.listenAddress());
        CollectorRegistry registry = new CollectorRegistry(true);
        ConnectorMetrics metrics = metrics(registry);
        StorageWiring.Store store = StorageWiring.build(settings.storage(), settings.caches(), registry, metrics);
        try {
            if (store.bytesOnDisk() != null) {
                storageBytesGauge(store.bytesOnDisk()).register(registry);
            }
            return start(settings, security, store.writer(), store.reader(), store.resources(), registry, metrics);
        } catch (RuntimeException e) {
            try {
                store.resources().close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void checkListenAddressFree(InetSocketAddress address) {
        if (address.getPort() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** {@code timestream_connector_local_storage_bytes}: the local storage's files, read at each scrape. */
    private static Collector storageBytesGauge(LongSupplier bytes) {
        return new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                return List.of(new GaugeMetricFamily("timestream_connector_local_storage_bytes",
                        "Bytes of the local storage's files on disk.", bytes.getAsLong()));
            }
        };
    }

    /** Starts a connector on the given store, e.g. an in-memory fake in tests. */
    public static Connector start(ConnectorSettings settings, SeriesWriter writer, SeriesReader reader) {
        return start(settings, InboundSecurity.NONE, writer, reader);
    }

    /** Starts a connector on the given store with TLS and/or basic authentication. */
    public static Connector start(ConnectorSettings settings, InboundSecurity security, SeriesWriter writer,
                                  SeriesReader reader) {
        CollectorRegistry registry = new CollectorRegistry(true);
        return start(settings, security, writer, reader, () -> { }, registry, metrics(registry));
    }

    /** The connector's metrics in {@code registry}, with the JVM's and the build's. */
    private static ConnectorMetrics metrics(CollectorRegistry registry) {
        DefaultExports.register(registry);
        BuildInfo.CURRENT.register(registry);
        return new ConnectorMetrics(registry);
    }

    private static Connector start(ConnectorSettings settings, InboundSecurity security, SeriesWriter writer,
                                   SeriesReader reader, AutoCloseable resources, CollectorRegistry registry,
                                   ConnectorMetrics metrics) {
        Endpoints endpoints = Endpoints.wire(settings, writer, reader, metrics);
        if (!endpoints.destinations().isConfigured()) {
            LOG.log(System.Logger.Level.WARNING, "No destination is configured: set --storage.database-label and --storage.table-label "
                    + "(or --storage.default-database and --storage.default-table); until then every write and read is rejected with 400");
        }
        try {
            ConnectorHttpServer server = new ConnectorHttpServer(
                    HttpServerSettings.defaults(settings.listenAddress(), settings.telemetryPath()), endpoints.pipeline(),
                    registry, security);
            return new Connector(server, registry, resources);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.listenAddress() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.port();
    }

    /** Base URI for clients on this machine, e.g. {@code http://127.0.0.1:9201} ({@code https} with TLS). */
    public URI uri() {
        return URI.create((server.isTls() ? "https" : "http") + "://127.0.0.1:" + port());
    }

    public CollectorRegistry registry() {
        return registry;
    }

    /** Stops accepting, lets in-flight requests finish for up to {@code graceSeconds}, releases storage. */
    public void stop(int graceSeconds) {
        server.stop(graceSeconds);
        try {
            storageResources.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "Error closing storage", e);
        }
    }

    /** Marks the connector not ready, so load balancers stop sending before shutdown. */
    public void markNotReady() {
        server.markNotReady();
    }

    @Override
    public void close() {
        stop(0);
    }
}
