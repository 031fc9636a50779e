package io.tsconnector.adapters.http;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.adapters.protocol.MemoryWiring;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Test wiring: a server on 127.0.0.1 port 0 over an in-memory store, destinations from the usual labels. */
final class MemoryBackedServer {
    private MemoryBackedServer() {
    }

    static ConnectorHttpServer start(InMemorySeriesStore store, Limits limits, InboundSecurity security) throws IOException {
        return start(new MemoryWiring(store, limits), security);
    }

    static ConnectorHttpServer start(MemoryWiring wiring, InboundSecurity security) throws IOException {
        return new ConnectorHttpServer(HttpServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0), "/metrics"),
                wiring.pipeline, wiring.registry, security);
    }
}
