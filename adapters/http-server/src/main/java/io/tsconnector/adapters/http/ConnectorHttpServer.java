package io.tsconnector.adapters.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.protocol.InboundPipeline;
import io.tsconnector.adapters.protocol.InboundRequest;
import io.tsconnector.adapters.protocol.ProtocolResponse;
import io.tsconnector.adapters.protocol.RequestBody;
import io.tsconnector.adapters.protocol.StatusTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Adapter: the JDK HttpServer in front of the {@link InboundPipeline} ({@code POST /write}, {@code POST /read}),
 * plus the telemetry page, {@code /-/healthy}, {@code /-/ready} and a landing page at {@code /}; over TLS and
 * behind basic authentication when its {@link InboundSecurity} says so. It maps exchanges to pipeline requests
 * and streams the answers; routing, refusals, metrics and logging are the pipeline's.
 */
public final class ConnectorHttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectorHttpServer.class.getName());

    /** Seconds a client may take to send a whole request before its connection is closed. */
    static final String MAX_REQUEST_SECONDS = "20";
    /** Largest single write of an answer body to the connection. */
    private static final int WRITE_SLICE = 64 * 1024;
    /** Kept-alive connections the server keeps open between requests. */
    static final int MAX_IDLE_CONNECTIONS = 10_000;
    /** Seconds an idle kept-alive connection stays open: longer than Prometheus' own idle timeout (5 minutes). */
    static final String IDLE_SECONDS = "330";

    static {
        // The JDK server reads a request on a worker thread and by default waits for it forever, so clients
        // that trickle or stall their requests would keep workers; this closes such connections. It is read
        // once when the JDK server classes initialise; an operator's own -D setting wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
        // Headers and body go out as two writes; without TCP_NODELAY the body waits for the client's delayed
        // ACK of the headers (Nagle), about 40 ms on every answer that has a body on a kept-alive connection.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // After an answer given without reading the body (a refusal), the JDK server drains up to 64 KiB of it
        // to keep the connection; from a stalled client that read blocks the thread until maxReqTime. With 0 it
        // closes such a connection at once instead; connections whose body was read stay open.
        if (System.getProperty("sun.net.httpserver.drainAmount") == null) {
            System.setProperty("sun.net.httpserver.drainAmount", "0");
        }
        // The JDK server keeps at most 200 idle kept-alive connections and closes any other one right after its
        // answer, without saying so: a client with more connections (400 writers, Prometheus' shards) sends its
        // next request on a closed connection and gets a reset. Idle connections cost no thread, only a socket.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(MAX_IDLE_CONNECTIONS));
        }
        // An idle connection the server closes while the client starts a request on it is a reset; Prometheus
        // closes its own idle connections after 5 minutes, so the server waiting longer leaves the closing to it.
        if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
            System.setProperty("sun.net.httpserver.idleInterval", IDLE_SECONDS);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    /** TLS versions served: older ones are broken or deprecated (RFC 8996). */
    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final boolean tls;
    private volatile boolean ready = true;

    /** A plain HTTP server without authentication. */
    public ConnectorHttpServer(HttpServerSettings settings, InboundPipeline pipeline, CollectorRegistry registry)
            throws IOException {
        this(settings, pipeline, registry, InboundSecurity.NONE);
    }

    public ConnectorHttpServer(HttpServerSettings settings, InboundPipeline pipeline, CollectorRegistry registry,
                               InboundSecurity security) throws IOException {
        AtomicInteger n = new AtomicInteger();
        int threads = settings.connectionThreads();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads), r -> {
                    Thread t = new Thread(r, "http-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        // Idle threads end, so the pool costs threads only while connections need them. When threads and queue
        // are full the JDK server closes the new connection instead of running the exchange on its single
        // dispatcher thread, which a stalled client could block; the pipeline's in-flight bound answers 503
        // long before that.
        executor.allowCoreThreadTimeOut(true);
        this.tls = security.tls() != null;
        this.server = tls ? httpsServer(settings, security.tls()) : HttpServer.create(settings.address(), 1024);
        server.setExecutor(executor);
        HttpHandler routes = route(pipeline, settings.telemetryPath(), new TelemetryHandler(registry));
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
                keepOpenOrClose(exchange, consumeEmptyBody(exchange));
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + BasicAuthUsers.REALM + "\"");
                plain(exchange, 401, "Unauthorized");
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "Connection error while answering: " + e.getMessage());
            } finally {
                exchange.close();
            }
        };
    }

    private HttpHandler route(InboundPipeline pipeline, String telemetryPath, HttpHandler metrics) {
        String landing = landingPage(telemetryPath);
        return exchange -> {
            try {
                String path = exchange.getRequestURI().getPath();
                String method = exchange.getRequestMethod();
                boolean get = method.equals("GET") || method.equals("HEAD");
                boolean page = path.equals(telemetryPath) && get || path.equals("/-/healthy")
                        || path.equals("/-/ready") || path.equals("/") && get;
                if (page) {
                    keepOpenOrClose(exchange, consumeEmptyBody(exchange));
                }
                if (path.equals(telemetryPath) && get) {
                    metrics.handle(exchange);
                } else if (path.equals("/-/healthy")) {
                    plain(exchange, 200, "Healthy");
                } else if (path.equals("/-/ready")) {
                    plain(exchange, ready ? 200 : 503, ready ? "Ready" : "Not ready: shutting down");
                } else if (path.equals("/") && get) {
                    send(exchange, ProtocolResponse.bytes(200, Map.of("Content-Type", "text/html; charset=utf-8"),
                            landing.getBytes(StandardCharsets.UTF_8)));
                } else {
                    boolean[] read = {false};
                    ProtocolResponse response = pipeline.handle(new InboundRequest(method, path,
                            exchange.getRequestHeaders()::getFirst, body(exchange, read)));
                    keepOpenOrClose(exchange, read[0] || consumeEmptyBody(exchange) || discardArrivedBody(exchange));
                    send(exchange, response);
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

    /**
     * Marks an empty request body as read, so the connection stays open for the next request (a body nobody
     * read makes the server close the connection, see drainAmount); a body that is not empty is left unread.
     */
    private static boolean consumeEmptyBody(HttpExchange exchange) throws IOException {
        Headers h = exchange.getRequestHeaders();
        String length = h.getFirst("Content-Length");
        if (h.getFirst("Transfer-Encoding") == null && (length == null || length.trim().equals("0"))) {
            return exchange.getRequestBody().read() < 0;
        }
        return false;
    }

    /** Bodies up to this size that have arrived whole are read and dropped after a refusal, keeping the connection. */
    static final int DISCARD_ARRIVED_MAX = 64 * 1024;

    /**
     * Reads and drops the body of a request answered without it (a refusal: overload, wrong headers) when all of it
     * has already arrived and is small: the connection then stays open for the client's next request, instead of
     * costing a new connection for every 503 under overload. A body still on its way is left unread and the
     * connection closes, so a stalled upload never holds the thread.
     */
    private static boolean discardArrivedBody(HttpExchange exchange) {
        Headers h = exchange.getRequestHeaders();
        String declared = h.getFirst("Content-Length");
        if (h.getFirst("Transfer-Encoding") != null || declared == null) {
            return false;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (length <= 0 || length > DISCARD_ARRIVED_MAX) {
            return false;
        }
        try {
            InputStream in = exchange.getRequestBody();
            if (in.available() < length) {
                return false;
            }
            byte[] scratch = new byte[(int) Math.min(length, 8192)];
            long left = length;
            while (left > 0) {
                int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (n < 0) {
                    return false;
                }
                left -= n;
            }
            return in.read() < 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Tells the client the connection closes after this answer when its request body was left unread. */
    private static void keepOpenOrClose(HttpExchange exchange, boolean bodyRead) {
        if (!bodyRead) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
    }

    /** The page at {@code /}, as exporters have one: what the connector is and where its pages are. */
    private static String landingPage(String telemetryPath) {
        return "<!DOCTYPE html>\n<html><head><title>Timestream Prometheus connector</title></head><body>\n"
                + "<h1>Timestream Prometheus connector</h1>\n"
                + "<p>Remote write: <code>POST /write</code>; remote read: <code>POST /read</code>.</p>\n<ul>\n"
                + "<li><a href=\"" + telemetryPath + "\">" + telemetryPath + "</a> (metrics)</li>\n"
                + "<li><a href=\"/-/healthy\">/-/healthy</a></li>\n"
                + "<li><a href=\"/-/ready\">/-/ready</a></li>\n</ul>\n</body></html>\n";
    }

    /** The exchange's body, read when the pipeline accepts the request; {@code read[0]} once read to its end. */
    private static RequestBody body(HttpExchange exchange, boolean[] read) {
        return max -> {
            String declared = exchange.getRequestHeaders().getFirst("Content-Length");
            long length = -1;
            if (declared != null) {
                try {
                    length = Long.parseLong(declared.trim());
                } catch (NumberFormatException e) {
                    length = -1;
                }
            }
            RequestBody.Bytes bytes = readBounded(exchange.getRequestBody(), length, max);
            read[0] = true;
            return bytes;
        };
    }

    /**
     * Reads the whole body, never more than {@code max} bytes. The buffer grows with the bytes that actually
     * arrive, so a false Content-Length reserves nothing.
     *
     * @throws io.tsconnector.adapters.protocol.ProtocolException 413 when the body is longer than {@code max}
     */
    private static RequestBody.Bytes readBounded(InputStream in, long declared, int max) throws IOException {
        byte[] buf = new byte[(int) Math.min(declared >= 0 ? declared : 8192, 1 << 20)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n >= max) {
                    if (in.read() < 0) {
                        return new RequestBody.Bytes(buf, n);
                    }
                    throw InboundPipeline.tooLarge(-1, max);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(8192L, buf.length * 2L)));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return new RequestBody.Bytes(buf, n);
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
        if (response.status() == 204 || response.status() == 304 || exchange.getRequestMethod().equals("HEAD")) {
            // no body: a length here makes the JDK warn on every HEAD (e.g. load balancers probing /-/ready)
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
                // NIO copies each write into a temporary direct buffer of the write's size and keeps it cached on
                // the thread: in slices, a large answer leaves 64 KiB of native memory per thread, not its size
                for (int off = 0; off < body.length; off += WRITE_SLICE) {
                    out.write(body, off, Math.min(WRITE_SLICE, body.length - off));
                }
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
