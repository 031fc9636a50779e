package io.tsconnector.adapters.http;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.ConnectorMetrics;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.adapters.protocol.RemoteReadEndpoint;
import io.tsconnector.adapters.protocol.RemoteWriteEndpoint;
import io.tsconnector.application.service.ReadSeriesService;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.application.service.WriteSeriesService;
import io.tsconnector.domain.DestinationResolver;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Test wiring: a server on 127.0.0.1 port 0 over an in-memory store, destinations from the usual labels. */
final class MemoryBackedServer {
    private MemoryBackedServer() {
    }

    static ConnectorHttpServer start(InMemorySeriesStore store, Limits limits, InboundSecurity security) throws IOException {
        CollectorRegistry registry = new CollectorRegistry();
        ConnectorMetrics metrics = new ConnectorMetrics(registry);
        DestinationResolver destinations = new DestinationResolver("PrometheusDatabaseLabel", "PrometheusTableLabel", "", "");
        return new ConnectorHttpServer(HttpServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0), "/metrics"),
                new RemoteWriteEndpoint(new WriteSeriesService(destinations, WritePolicy.DEFAULT, store), metrics, limits),
                new RemoteReadEndpoint(new ReadSeriesService(destinations, store), metrics, limits), registry, security);
    }
}
