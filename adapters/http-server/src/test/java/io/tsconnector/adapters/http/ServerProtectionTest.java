package io.tsconnector.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.InboundPipeline;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.adapters.protocol.MemoryWiring;
import io.tsconnector.adapters.protocol.contract.InboundContract.Answer;
import io.tsconnector.proto.Captures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What the HTTP server does under stalled clients, overload and probes, each a defect once. */
class ServerProtectionTest {
    private static final Map<String, String> WRITE = Map.of("Content-Encoding", "snappy",
            "Content-Type", "application/x-protobuf", "X-Prometheus-Remote-Write-Version", "0.1.0");

    private static Answer get(ConnectorHttpServer server, String method, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            return HttpInboundContractTest.RawHttp.exchange(s, method, path, Map.of(), new byte[0], false);
        }
    }

    /** Milliseconds {@code /-/healthy} takes to answer 200. */
    private static long healthMillis(ConnectorHttpServer server) throws IOException {
        long start = System.nanoTime();
        Answer a = get(server, "GET", "/-/healthy");
        assertEquals(200, a.status());
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void stalledUploadsDoNotHoldTheProbesOrEveryPermit() throws Exception {
        MemoryWiring wiring = new MemoryWiring(new InMemorySeriesStore(), Limits.DEFAULT, 16);
        List<Socket> stalled = new ArrayList<>();
        try (ConnectorHttpServer server = MemoryBackedServer.start(wiring, InboundSecurity.NONE)) {
            for (int i = 0; i < 80; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                stalled.add(s);
                // headers, then nothing of the 1000 bytes announced
                s.getOutputStream().write(("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                        + "Content-Encoding: snappy\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
            Thread.sleep(300);
            for (int i = 0; i < 5; i++) {
                long ms = healthMillis(server);
                assertTrue(ms < 1000, "/-/healthy took " + ms + " ms with 80 stalled uploads");
                assertEquals(200, get(server, "GET", "/-/ready").status());
            }
            // the stalled uploads beyond the 16 permits were answered 503 at once, not left waiting
            List<Socket> answered = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                answered.clear();
                for (Socket s : stalled) {
                    if (s.getInputStream().available() > 0) {
                        answered.add(s);
                    }
                }
                if (answered.size() >= 64) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals(64, answered.size(), "answered at once");
            for (Socket s : answered) {
                s.setSoTimeout(5_000);
                Answer a = HttpInboundContractTest.RawHttp.read(s.getInputStream(), false);
                assertEquals(503, a.status());
                assertEquals("1", a.headers().get("retry-after"));
            }
            assertEquals(64.0, wiring.metric("timestream_connector_requests_rejected_total"));
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void refusedStalledUploadsGiveTheirThreadBackAtOnce() throws Exception {
        // 2 permits, 20 threads, 30 stalled uploads: 28 are refused; their threads must not wait for the body
        MemoryWiring wiring = new MemoryWiring(new InMemorySeriesStore(), Limits.DEFAULT, 2);
        List<Socket> stalled = new ArrayList<>();
        try (ConnectorHttpServer server = new ConnectorHttpServer(new HttpServerSettings(
                new InetSocketAddress("127.0.0.1", 0), "/metrics", 20), wiring.pipeline, wiring.registry)) {
            for (int i = 0; i < 30; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                stalled.add(s);
                s.getOutputStream().write("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            Thread.sleep(500);
            long ms = healthMillis(server);
            assertTrue(ms < 1000, "/-/healthy took " + ms + " ms");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aRefusedSmallBodyThatHasArrivedKeepsTheConnectionAndAStalledOneClosesIt() throws Exception {
        // one permit, held by a write waiting in the store: every other write is refused with 503
        InMemorySeriesStore store = new InMemorySeriesStore();
        MemoryWiring wiring = new MemoryWiring(store, Limits.DEFAULT, 1);
        io.tsconnector.adapters.protocol.WriteGate gate = io.tsconnector.adapters.protocol.WriteGate.on(store);
        byte[] body = io.tsconnector.proto.Captures.read("rw1-stale-markers.bin");
        try (ConnectorHttpServer server = MemoryBackedServer.start(wiring, InboundSecurity.NONE);
             Socket holder = new Socket("127.0.0.1", server.port());
             Socket s = new Socket("127.0.0.1", server.port());
             Socket stalled = new Socket("127.0.0.1", server.port())) {
            holder.getOutputStream().write(("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                    + "\r\nContent-Encoding: snappy\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            holder.getOutputStream().write(body);
            holder.getOutputStream().flush();
            assertTrue(gate.awaitWrite());
            s.setSoTimeout(10_000);
            for (int i = 0; i < 3; i++) {
                // headers and body in one write, as a sender with a buffered writer sends a small request
                java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
                request.write(("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                        + "\r\nContent-Encoding: snappy\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                request.write(body);
                s.getOutputStream().write(request.toByteArray());
                s.getOutputStream().flush();
                String refused = rawAnswer(s.getInputStream());
                assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
                assertFalse(refused.toLowerCase(java.util.Locale.ROOT).contains("connection: close"),
                        "the body had arrived: the connection stays open: " + refused);
            }
            assertEquals(200, HttpInboundContractTest.RawHttp.exchange(s, "GET", "/-/healthy", Map.of(), new byte[0], false)
                    .status(), "the same connection serves the next request");
            stalled.setSoTimeout(10_000);
            stalled.getOutputStream().write("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            stalled.getOutputStream().flush();
            String closing = rawAnswer(stalled.getInputStream());
            assertTrue(closing.startsWith("HTTP/1.1 503"), closing);
            assertTrue(closing.toLowerCase(java.util.Locale.ROOT).contains("connection: close"),
                    "a body still on its way is not waited for: " + closing);
        } finally {
            gate.close();
        }
    }

    /** An answer's status line and headers as sent, after which its body (Content-Length) is read and dropped. */
    private static String rawAnswer(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
        return head.toString();
    }

    @Test
    void probesKeepTheConnectionOpen() throws Exception {
        try (ConnectorHttpServer server = MemoryBackedServer.start(new MemoryWiring(new InMemorySeriesStore(),
                Limits.DEFAULT), InboundSecurity.NONE); Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            for (String path : new String[] {"/-/healthy", "/-/ready", "/metrics", "/", "/-/healthy"}) {
                assertEquals(200, HttpInboundContractTest.RawHttp.exchange(s, "GET", path, Map.of(), new byte[0], false)
                        .status(), path);
            }
        }
    }

    @Test
    void moreKeptAliveConnectionsThanTheJdkDefaultStayOpenBetweenRequests() throws Exception {
        // the JDK server closes every idle connection beyond 200 right after its answer, unannounced; the
        // client's next request on it is then a reset
        List<Socket> connections = new ArrayList<>();
        try (ConnectorHttpServer server = MemoryBackedServer.start(new MemoryWiring(new InMemorySeriesStore(),
                Limits.DEFAULT), InboundSecurity.NONE)) {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.setSoTimeout(10_000);
                connections.add(s);
                assertEquals(200, HttpInboundContractTest.RawHttp.exchange(s, "GET", "/-/healthy", Map.of(), new byte[0],
                        false).status());
            }
            int closed = 0;
            for (Socket s : connections) {
                try {
                    HttpInboundContractTest.RawHttp.exchange(s, "GET", "/-/ready", Map.of(), new byte[0], false);
                } catch (IOException | RuntimeException e) {
                    closed++;
                }
            }
            assertEquals(0, closed, "kept-alive connections closed by the server between two requests");
        } finally {
            for (Socket s : connections) {
                s.close();
            }
        }
    }

    @Test
    void largeAnswersDoNotLeaveADirectBufferOfTheirSizeOnEveryThread() throws Exception {
        // NIO copies a heap array into a temporary direct buffer of the array's size and keeps it cached on the
        // thread: one 5 MB answer body written at once left 5 MB of native memory on each of up to 512 threads
        InMemorySeriesStore store = new InMemorySeriesStore();
        io.tsconnector.domain.Destination d = new io.tsconnector.domain.Destination("db", "t");
        List<io.tsconnector.domain.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 400_000; i++) {
            samples.add(new io.tsconnector.domain.Sample(i, Double.longBitsToDouble(0x3ff0000000000000L + i * 7919L)));
        }
        store.write(Map.of(d, List.of(new io.tsconnector.domain.TimeSeries(
                io.tsconnector.domain.Labels.of("__name__", "m"), samples))));
        byte[] read = io.tsconnector.adapters.protocol.Snappy.compress(io.tsconnector.proto.prometheus.ReadRequest.newBuilder()
                .addQueries(io.tsconnector.proto.prometheus.Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(1_000_000)
                        .addMatchers(matcher(MemoryWiring.DATABASE_LABEL, "db"))
                        .addMatchers(matcher(MemoryWiring.TABLE_LABEL, "t"))
                        .addMatchers(matcher("__name__", "m"))).build().toByteArray());
        Map<String, String> headers = Map.of("Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
                "X-Prometheus-Remote-Read-Version", "0.1.0");
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (ConnectorHttpServer server = MemoryBackedServer.start(new MemoryWiring(store, Limits.DEFAULT), InboundSecurity.NONE)) {
            long before = direct.getMemoryUsed();
            int bodyBytes = 0;
            List<Future<Answer>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    try (Socket s = new Socket("127.0.0.1", server.port())) {
                        s.setSoTimeout(60_000);
                        return HttpInboundContractTest.RawHttp.exchange(s, "POST", "/read", headers, read, false);
                    }
                }));
            }
            go.countDown();
            for (Future<Answer> f : answers) {
                Answer a = f.get(120, TimeUnit.SECONDS);
                assertEquals(200, a.status());
                bodyBytes = a.body().length;
            }
            long grown = direct.getMemoryUsed() - before;
            System.out.println(clients + " answers of " + bodyBytes + " bytes at once: direct memory grew by " + grown + " bytes");
            assertTrue(bodyBytes > 2_000_000, "answers large enough to show the cache: " + bodyBytes);
            assertTrue(grown < 2L * bodyBytes, "direct memory grew by " + grown + " bytes for " + clients
                    + " answers of " + bodyBytes + " bytes");
        } finally {
            pool.shutdownNow();
        }
    }

    private static io.tsconnector.proto.prometheus.LabelMatcher matcher(String name, String value) {
        return io.tsconnector.proto.prometheus.LabelMatcher.newBuilder().setName(name).setValue(value).build();
    }

    @Test
    void overloadIsAnswered503WithRetryAfterNeverWithAReset() throws Exception {
        InMemorySeriesStore store = new InMemorySeriesStore();
        store.injectFailures((op, d) -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        MemoryWiring wiring = new MemoryWiring(store, Limits.DEFAULT, 32);
        byte[] body = Captures.read("rw1-stale-markers.bin");
        int clients = 400;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        try (ConnectorHttpServer server = MemoryBackedServer.start(wiring, InboundSecurity.NONE)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    String outcome;
                    try (Socket s = new Socket("127.0.0.1", server.port())) {
                        s.setSoTimeout(20_000);
                        Answer a = HttpInboundContractTest.RawHttp.exchange(s, "POST", "/write", WRITE, body, false);
                        outcome = a.status() == 503 && "1".equals(a.headers().get("retry-after")) ? "503"
                                : Integer.toString(a.status());
                    } catch (IOException e) {
                        outcome = "io: " + e.getMessage();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    return null;
                }));
            }
            go.countDown();
            long worstHealth = 0;
            for (int i = 0; i < 5; i++) {
                worstHealth = Math.max(worstHealth, healthMillis(server));
                Thread.sleep(50);
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            System.out.println("overload: " + clients + " clients, 32 permits, 200 ms per write: " + outcomes
                    + "; worst /-/healthy " + worstHealth + " ms");
            assertEquals(clients, outcomes.getOrDefault("204", new AtomicInteger()).get()
                    + outcomes.getOrDefault("503", new AtomicInteger()).get(), "only 204 and 503: " + outcomes);
            assertTrue(outcomes.get("503").get() > 0, "some requests were refused: " + outcomes);
            assertTrue(worstHealth < 1000, "/-/healthy took " + worstHealth + " ms under overload");
            assertEquals((double) outcomes.get("503").get(),
                    wiring.metric("timestream_connector_write_requests_total", "code", "503"), "every 503 counted");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void answersWithABodyOnAKeptAliveConnectionAreNotDelayedByNagle() throws Exception {
        MemoryWiring wiring = new MemoryWiring(new InMemorySeriesStore(), Limits.DEFAULT);
        try (ConnectorHttpServer server = MemoryBackedServer.start(wiring, InboundSecurity.NONE);
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            long[] millis = new long[21];
            for (int i = 0; i < millis.length; i++) {
                long start = System.nanoTime();
                Answer a = HttpInboundContractTest.RawHttp.exchange(s, "POST", "/write", WRITE, new byte[0], false);
                millis[i] = (System.nanoTime() - start) / 1_000_000;
                assertEquals(400, a.status());
            }
            Arrays.sort(millis);
            System.out.println("400 answers on one kept-alive connection, ms: " + Arrays.toString(millis));
            // without TCP_NODELAY the body of every such answer waits ~40 ms for the client's delayed ACK
            assertTrue(millis[millis.length / 2] < 20, "median " + millis[millis.length / 2] + " ms: "
                    + Arrays.toString(millis));
        }
    }

    @Test
    void headOfTheProbesLogsNoWarning() throws Exception {
        Logger jdk = Logger.getLogger("com.sun.net.httpserver");
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jdk.addHandler(capture);
        try (ConnectorHttpServer server = MemoryBackedServer.start(new MemoryWiring(new InMemorySeriesStore(),
                Limits.DEFAULT), InboundSecurity.NONE)) {
            for (String path : new String[] {"/-/ready", "/-/healthy", "/", "/metrics"}) {
                assertEquals(200, get(server, "HEAD", path).status(), path);
            }
            assertTrue(warnings.isEmpty(), () -> warnings.get(0).getMessage());
        } finally {
            jdk.removeHandler(capture);
        }
    }

    @Test
    void aLandingPageLinksTheOtherPages() throws Exception {
        try (ConnectorHttpServer server = MemoryBackedServer.start(new MemoryWiring(new InMemorySeriesStore(),
                Limits.DEFAULT), InboundSecurity.NONE)) {
            Answer a = get(server, "GET", "/");
            assertEquals(200, a.status());
            assertEquals("text/html; charset=utf-8", a.headers().get("content-type"));
            for (String link : new String[] {"href=\"/metrics\"", "href=\"/-/healthy\"", "href=\"/-/ready\""}) {
                assertTrue(a.text().contains(link), a.text());
            }
            assertEquals(404, get(server, "GET", "/nope").status(), "only / itself is the landing page");
        }
    }

    @Test
    void metricsHaveNoCreatedSeriesAndShowOverload() throws Exception {
        MemoryWiring wiring = new MemoryWiring(new InMemorySeriesStore(), Limits.DEFAULT);
        try (ConnectorHttpServer server = MemoryBackedServer.start(wiring, InboundSecurity.NONE)) {
            get(server, "GET", "/write");
            String text = get(server, "GET", "/metrics").text();
            assertTrue(text.contains("timestream_connector_write_requests_total{code=\"405\",} 1.0"), text);
            assertTrue(text.contains("timestream_connector_requests_in_flight 0.0"), text);
            assertTrue(text.contains("timestream_connector_requests_rejected_total 0.0"), text);
            assertTrue(text.contains("timestream_connector_cache_hits_total{cache=\"remote_write_labels\",}"), text);
            assertFalse(text.contains("_created"), "no _created series");
        }
    }

    @Test
    void theDefaultThreadsLeaveRoomBeyondThePermits() {
        assertTrue(HttpServerSettings.DEFAULT_CONNECTION_THREADS > InboundPipeline.DEFAULT_MAX_IN_FLIGHT,
                "threads beyond the permits serve probes and refusals");
    }
}
