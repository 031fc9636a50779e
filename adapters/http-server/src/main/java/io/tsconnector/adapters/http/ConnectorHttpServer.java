package io.tsconnector.adapters.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.tsconnector.adapters.protocol.ProtocolResponse;
import io.tsconnector.adapters.protocol.RemoteReadEndpoint;
import io.tsconnector.adapters.protocol.RemoteWriteEndpoint;
import io.tsconnector.adapters.protocol.StatusTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Adapter: the JDK HttpServer serving {@code POST /write}, {@code POST /read}, the telemetry page,
 * {@code /-/healthy} and {@code /-/ready}, on a bounded pool of worker threads; over TLS and behind basic
 * authentication when its {@link InboundSecurity} says so.
 */
public final class ConnectorHttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectorHttpServer.class.getName());

    /** Seconds a client may take to send a whole request before its connection is closed. */
    static final String MAX_REQUEST_SECONDS = "20";

    static {
        // The JDK server reads a request on a worker thread and by default waits for it forever, so clients
        // that trickle or stall their requests would keep workers; this closes such connections. It is read
        // once when the JDK server classes initialise; an operator's own -D setting wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    /** TLS versions served: older ones are broken or deprecated (RFC 8996). */
    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final Semaphore inFlight;
    private final boolean tls;
    private volatile boolean ready = true;

    /** A plain HTTP server without authentication. */
    public ConnectorHttpServer(HttpServerSettings settings, RemoteWriteEndpoint write, RemoteReadEndpoint read,
                               CollectorRegistry registry) throws IOException {
        this(settings, write, read, registry, InboundSecurity.NONE);
    }

    public ConnectorHttpServer(HttpServerSettings settings, RemoteWriteEndpoint write, RemoteReadEndpoint read,
                               CollectorRegistry registry, InboundSecurity security) throws IOException {
        this.inFlight = new Semaphore(settings.maxInFlight());
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.maxInFlight()), r -> {
                    Thread t = new Thread(r, "http-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        // When workers and queue are full the JDK server closes the new connection (the client retries)
        // instead of running the exchange on its single dispatcher thread, which a stalled client could block.
        this.tls = security.tls() != null;
        this.server = tls ? httpsServer(settings, security.tls()) : HttpServer.create(settings.address(), 1024);
        server.setExecutor(executor);
        HttpHandler routes = route(write, read, settings.telemetryPath(), new HTTPServer.HTTPMetricHandler(registry));
        server.createContext("/", security.users() == null ? routes : authenticated(security.users(), routes));
        server.start();
    }

    private static HttpsServer httpsServer(HttpServerSettings settings, SSLContext context) throws IOException {
        HttpsServer https = HttpsServer.create(settings.address(), 1024);
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setProtocols(Arrays.stream(context.getSupportedSSLParameters().getProtocols())
                        .filter(TLS_PROTOCOLS::contains).toArray(String[]::new));
                params.setSSLParameters(parameters);
            }
        });
        return https;
    }

    /**
     * Answers 401 unless the request carries a known user's password. The health and readiness probes stay
     * open: they reveal nothing, and orchestrators probe them without credentials.
     */
    private static HttpHandler authenticated(BasicAuthUsers users, HttpHandler next) {
        return exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/-/healthy") || path.equals("/-/ready")
                    || users.authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                next.handle(exchange);
                return;
            }
            try {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + BasicAuthUsers.REALM + "\"");
                plain(exchange, 401, "Unauthorized");
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "Connection error while answering: " + e.getMessage());
            } finally {
                exchange.close();
            }
        };
    }

    private HttpHandler route(RemoteWriteEndpoint write, RemoteReadEndpoint read, String telemetryPath,
                              HttpHandler metrics) {
        return exchange -> {
            try {
                String path = exchange.getRequestURI().getPath();
                String method = exchange.getRequestMethod();
                if (path.equals("/write")) {
                    protocol(exchange, method, (h, b, l) -> write.handle(h, b, l), write.limits().maxBodyBytes(), write::refused);
                } else if (path.equals("/read")) {
                    protocol(exchange, method, (h, b, l) -> read.handle(h, b, l), read.limits().maxBodyBytes(), UnaryOperator.identity());
                } else if (path.equals(telemetryPath)) {
                    metrics.handle(exchange);
                } else if (path.equals("/-/healthy")) {
                    plain(exchange, 200, "Healthy");
                } else if (path.equals("/-/ready")) {
                    plain(exchange, ready ? 200 : 503, ready ? "Ready" : "Not ready: shutting down");
                } else {
                    plain(exchange, 404, "404 page not found: " + path);
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "Connection error while answering: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Unexpected error in the HTTP adapter", e);
            } finally {
                exchange.close();
            }
        };
    }

    @FunctionalInterface
    private interface Endpoint {
        ProtocolResponse handle(io.tsconnector.adapters.protocol.RequestHeaders headers, byte[] body, int length);
    }

    private void protocol(HttpExchange exchange, String method, Endpoint endpoint, int maxBodyBytes,
                          UnaryOperator<ProtocolResponse> refusal) throws IOException {
        if (!method.equals("POST")) {
            send(exchange, refusal.apply(ProtocolResponse.text(405, "method " + method + " not allowed: use POST")
                    .withHeader("Allow", "POST")));
            return;
        }
        if (!inFlight.tryAcquire()) {
            send(exchange, refusal.apply(StatusTable.retryLater("the connector is overloaded: too many requests in flight")));
            return;
        }
        try {
            Headers headers = exchange.getRequestHeaders();
            String declared = headers.getFirst("Content-Length");
            if (declared != null) {
                long length;
                try {
                    length = Long.parseLong(declared.trim());
                } catch (NumberFormatException e) {
                    send(exchange, refusal.apply(ProtocolResponse.text(400, "invalid Content-Length: " + declared)));
                    return;
                }
                if (length > maxBodyBytes) {
                    send(exchange, refusal.apply(ProtocolResponse.text(413, "request body of " + length + " bytes exceeds the limit of " + maxBodyBytes + " bytes")));
                    return;
                }
            }
            Body body = readBounded(exchange.getRequestBody(), declared == null ? -1 : Long.parseLong(declared.trim()),
                    maxBodyBytes);
            if (body == null) {
                send(exchange, refusal.apply(ProtocolResponse.text(413, "request body exceeds the limit of " + maxBodyBytes + " bytes")));
                return;
            }
            send(exchange, endpoint.handle(headers::getFirst, body.bytes(), body.length()));
        } finally {
            inFlight.release();
        }
    }

    private record Body(byte[] bytes, int length) {
    }

    /**
     * Reads the whole body, never more than {@code max} bytes; null when it is longer. The buffer grows
     * with the bytes that actually arrive, so a false Content-Length reserves nothing.
     */
    private static Body readBounded(InputStream in, long declared, int max) throws IOException {
        byte[] buf = new byte[(int) Math.min(declared >= 0 ? declared : 8192, 1 << 20)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n >= max) {
                    return in.read() < 0 ? new Body(buf, n) : null;
                }
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(8192L, buf.length * 2L)));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return new Body(buf, n);
            }
            n += r;
        }
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, ProtocolResponse.text(status, text));
    }

    private static void send(HttpExchange exchange, ProtocolResponse response) throws IOException {
        Headers h = exchange.getResponseHeaders();
        for (Map.Entry<String, String> e : response.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        if (response.status() == 204 || response.status() == 304) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        if (response.isStreamed()) {
            sendStreamed(exchange, response);
            return;
        }
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Streams a body, sending the headers only with the first bytes: a failure before then still becomes
     * a proper error status; after it, the connection is cut so the client sees an incomplete body.
     */
    private static void sendStreamed(HttpExchange exchange, ProtocolResponse response) throws IOException {
        CommitOnWrite out = new CommitOnWrite(exchange, response.status());
        try {
            response.writeBody(out);
        } catch (RuntimeException | Error e) {
            if (!out.committed) {
                exchange.getResponseHeaders().clear();
                send(exchange, StatusTable.forFailure(e));
                return;
            }
            throw new IOException("stream aborted after it started: " + e.getMessage(), e);
        }
        out.close();
    }

    /** Output stream that sends the response headers (chunked) just before the first byte. */
    private static final class CommitOnWrite extends OutputStream {
        private final HttpExchange exchange;
        private final int status;
        private OutputStream body;
        private boolean committed;

        CommitOnWrite(HttpExchange exchange, int status) {
            this.exchange = exchange;
            this.status = status;
        }

        private OutputStream body() throws IOException {
            if (!committed) {
                committed = true;
                exchange.sendResponseHeaders(status, 0);
                body = exchange.getResponseBody();
            }
            return body;
        }

        @Override
        public void write(int b) throws IOException {
            body().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            body().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (committed) {
                body.flush();
            }
        }

        @Override
        public void close() throws IOException {
            body().close();
        }
    }

    /** The port the server listens on, useful when started on port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** True when the server speaks HTTPS. */
    public boolean isTls() {
        return tls;
    }

    /** Marks the server not ready (for draining); {@code /-/ready} answers 503 afterwards. */
    public void markNotReady() {
        ready = false;
    }

    /** Stops accepting, gives in-flight requests up to {@code graceSeconds} to finish, then stops. */
    public void stop(int graceSeconds) {
        ready = false;
        if (graceSeconds == 0) {
            server.stop(0);
        } else {
            // JDK 17's HttpServer.stop waits the whole delay when no exchange is open (JDK-8304065): it closes the
            // listener at once in its own thread while the drain below waits only for the handlers still running
            Thread stopper = new Thread(() -> server.stop(graceSeconds), "http-server-stop");
            stopper.setDaemon(true);
            stopper.start();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(0);
    }
}
