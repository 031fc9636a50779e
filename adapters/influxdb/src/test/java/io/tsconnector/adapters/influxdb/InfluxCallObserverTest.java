package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InfluxCallObserverTest {
    @Test
    void aThrottledWriteIsOneCallWithOneRetryAndOneThrottle() throws Exception {
        AtomicInteger answers = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/write", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(answers.getAndIncrement() == 0 ? 429 : 204, -1);
            exchange.close();
        });
        server.start();
        List<String> seen = new CopyOnWriteArrayList<>();
        try {
            InfluxHttp http = new InfluxHttp(InfluxSettings.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                    InfluxCredentials.none()).withRetries(2, 0), new InfluxCallObserver() {
                        @Override
                        public void called(String operation, long nanos) {
                            seen.add("called " + operation);
                        }

                        @Override
                        public void retried(String operation) {
                            seen.add("retried " + operation);
                        }

                        @Override
                        public void throttled(String operation) {
                            seen.add("throttled " + operation);
                        }
                    });
            byte[] line = "m v=1 1\n".getBytes(StandardCharsets.UTF_8);
            assertEquals(204, http.write("db", line, 0, line.length, false, "write").status());
        } finally {
            server.stop(0);
        }
        assertEquals(List.of("throttled write", "retried write", "called write"), seen);
    }
}
