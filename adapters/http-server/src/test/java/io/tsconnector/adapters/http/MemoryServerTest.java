package io.tsconnector.adapters.http;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.Limits;
import java.io.IOException;
import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Base of the HTTP tests that share one server over an in-memory store per test class. */
abstract class MemoryServerTest {
    static final int MAX_DECODED = 256 * 1024;

    static InMemorySeriesStore store;
    static ConnectorHttpServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        store = new InMemorySeriesStore();
        server = MemoryBackedServer.start(store, new Limits(MAX_DECODED, 1_000_000), InboundSecurity.NONE);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void noFailures() {
        store.clearFailures();
    }
}
