package io.tsconnector.bootstrap;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.influxdb.InfluxHttp;
import io.tsconnector.adapters.influxdb.InfluxSeriesReader;
import io.tsconnector.adapters.influxdb.InfluxSeriesWriter;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.ConnectorMetrics;
import io.tsconnector.adapters.timestream.TimestreamClients;
import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.ReadDeadline;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;
import java.util.List;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/** Builds the outbound adapters for the configured storage; one set per process. */
final class StorageWiring {
    /** A writer, a reader, what must be closed with them, and the bytes the store keeps on disk (null: none). */
    record Store(SeriesWriter writer, SeriesReader reader, AutoCloseable resources, LongSupplier bytesOnDisk) {
        Store(SeriesWriter writer, SeriesReader reader, AutoCloseable resources) {
            this(writer, reader, resources, null);
        }
    }

    private StorageWiring() {
    }

    static Store build(StorageSettings s, CacheSettings caches, CollectorRegistry registry, ConnectorMetrics metrics) {
        Store store = buildStore(s, caches, registry, metrics);
        return new Store(new StoredSamplesWriter(store.writer(), registry), store.reader(), store.resources(),
                store.bytesOnDisk());
    }

    private static Store buildStore(StorageSettings s, CacheSettings caches, CollectorRegistry registry,
                                    ConnectorMetrics metrics) {
        return switch (s.storage()) {
            case MEMORY -> {
                InMemorySeriesStore store = new InMemorySeriesStore();
                yield new Store(store, store, () -> { });
            }
            case LOCAL -> {
                LocalTimestream local = LocalTimestream.open(s.localPath(), s.localCreateTables(), s.localRetention());
                StorageCallMetrics calls = new StorageCallMetrics(registry, TimedLocalClients.WRITE_RECORDS,
                        TimedLocalClients.QUERY);
                Store store = timestream(TimedLocalClients.write(local.writeClient(), calls),
                        TimedLocalClients.query(local.queryClient(), calls), s, caches, local, registry, metrics);
                SeriesReader reader = s.localCreateTables() ? emptyUntilWritten(store.reader()) : store.reader();
                yield new Store(store.writer(), reader, store.resources(), local::sizeOnDiskBytes);
            }
            case TIMESTREAM -> {
                List<ExecutionInterceptor> calls = List.of(new StorageCallMetrics(registry, TimedLocalClients.WRITE_RECORDS,
                        TimedLocalClients.QUERY));
                yield timestream(TimestreamClients.write(s.region(), s.writeEndpoint(), s.maxWriteRetries(), calls),
                        TimestreamClients.query(s.region(), s.queryEndpoint(), s.maxReadRetries(),
                                TimestreamClients.DEFAULT_QUERY_TIMEOUT, calls), s, caches, () -> { }, registry, metrics);
            }
            case INFLUXDB -> {
                InfluxHttp http = new InfluxHttp(s.influxdb().resolve(s, System.getenv()),
                        new StorageCallMetrics(registry, "write", "query"));
                InfluxSeriesWriter writer = new InfluxSeriesWriter(http);
                yield new Store(writer, new InfluxSeriesReader(http), writer::close);
            }
        };
    }

    /**
     * Where the first write creates a table, every table exists in effect: reading one not written yet finds
     * nothing, as a new Prometheus does, instead of a 404 that Prometheus shows as a warning on every query
     * until its first samples arrive.
     */
    private static SeriesReader emptyUntilWritten(SeriesReader reader) {
        return new SeriesReader() {
            @Override
            public void read(Destination destination, SeriesQuery query, SeriesConsumer consumer) {
                read(destination, query, ReadDeadline.NONE, consumer);
            }

            @Override
            public void read(Destination destination, SeriesQuery query, ReadDeadline deadline, SeriesConsumer consumer) {
                try {
                    reader.read(destination, query, deadline, consumer);
                } catch (NeverRetryException e) {
                    if (e.kind() != NeverRetryException.Kind.NOT_FOUND) {
                        throw e;
                    }
                }
            }
        };
    }

    /**
     * The JDK's HTTP client keeps only 5 idle connections per host by default; with more concurrent
     * WriteRecords calls the rest would reconnect (and redo TLS) for every call.
     */
    private static void keepAliveConnections(int concurrency) {
        String current = System.getProperty("http.maxConnections");
        int wanted = concurrency + 8;
        try {
            if (current != null && Integer.parseInt(current.trim()) >= wanted) {
                return;
            }
        } catch (NumberFormatException e) {
            // an invalid value is replaced
        }
        System.setProperty("http.maxConnections", Integer.toString(wanted));
    }

    private static Store timestream(TimestreamWriteClient write, TimestreamQueryClient query, StorageSettings s,
                                    CacheSettings caches, AutoCloseable extra, CollectorRegistry registry,
                                    ConnectorMetrics metrics) {
        keepAliveConnections(s.writeConcurrency());
        TimestreamSeriesWriter.Settings defaults = TimestreamSeriesWriter.Settings.of(s.writeConcurrency());
        TimestreamSeriesWriter writer = new TimestreamSeriesWriter(write, new TimestreamSeriesWriter.Settings(
                defaults.concurrency(), defaults.maxPendingCalls(), caches.timestreamSeries(),
                new TimestreamWriteMetrics(registry)));
        metrics.watchCache("timestream_series", writer.seriesCache());
        TimestreamSeriesReader reader = new TimestreamSeriesReader(query);
        return new Store(writer, reader, () -> {
            writer.close();
            write.close();
            query.close();
            extra.close();
        });
    }
}
