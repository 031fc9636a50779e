package io.tsconnector.adapters.protocol;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.application.service.ReadSeriesService;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.application.service.WriteSeriesService;
import io.tsconnector.domain.DestinationResolver;

/**
 * Test wiring: shared by the inbound adapters' tests: a pipeline over an in-memory store, destinations from the
 * labels the seed connector documents, its metrics in a registry of its own.
 */
public final class MemoryWiring {
    public static final String DATABASE_LABEL = "PrometheusDatabaseLabel";
    public static final String TABLE_LABEL = "PrometheusTableLabel";

    public final InMemorySeriesStore store;
    public final CollectorRegistry registry = new CollectorRegistry();
    public final InboundPipeline pipeline;

    public MemoryWiring(InMemorySeriesStore store, Limits limits) {
        this(store, limits, InboundPipeline.DEFAULT_MAX_IN_FLIGHT);
    }

    public MemoryWiring(InMemorySeriesStore store, Limits limits, int maxInFlight) {
        this.store = store;
        DestinationResolver destinations = new DestinationResolver(DATABASE_LABEL, TABLE_LABEL, "", "");
        this.pipeline = new InboundPipeline(new WriteSeriesService(destinations, WritePolicy.DEFAULT, store),
                new ReadSeriesService(destinations, store), new ConnectorMetrics(registry), limits, maxInFlight, 1000);
    }

    /** The value of a metric sample, 0 when absent. */
    public double metric(String name, String... labels) {
        String[] names = new String[labels.length / 2];
        String[] values = new String[labels.length / 2];
        for (int i = 0; i < names.length; i++) {
            names[i] = labels[2 * i];
            values[i] = labels[2 * i + 1];
        }
        Double v = registry.getSampleValue(name, names, values);
        return v == null ? 0 : v;
    }
}
