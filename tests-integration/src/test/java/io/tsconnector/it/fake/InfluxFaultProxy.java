package io.tsconnector.it.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test helper: an HTTP proxy in front of a real influxd that injects what influxd cannot produce on demand
 * (a status, 413 above a body size, a delay, a reset connection) and records what the connector sent.
 */
public final class InfluxFaultProxy implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One request as the proxy received it. */
    public record Seen(String method, String path, String authorization, String contentEncoding, int bodyBytes) {
    }

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "influx-fault-proxy");
        t.setDaemon(true);
        return t;
    });
    public final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** Answer every request with this status instead of forwarding it; 0 forwards. */
    public volatile int status;
    /** Answer 413 to a request whose body is larger; forwards the others. */
    public volatile int maxBodyBytes = Integer.MAX_VALUE;
    /** Wait this long before forwarding (or, with {@link #stallAfterBytes}, in the middle of the answer). */
    public volatile long delayMs;
    /** When 0 or more: send the answer's headers and this many bytes of its body, then wait {@link #delayMs}. */
    public volatile int stallAfterBytes = -1;
    /** Close the connection without an answer. */
    public volatile boolean reset;
    /**
     * Answer writes as InfluxDB 2 does: a request with a line containing this text is refused whole with 400
     * {@code {"code":"invalid","message":"unable to parse '<line>': ..."}} naming each such line, and a partial
     * write of influxd (400) becomes InfluxDB 2's 422 with its message; null forwards writes as they are.
     */
    public volatile String influxDb2Unparsable;
    /**
     * Answer writes as InfluxDB 3 does: a request with a line containing this text is refused whole with 400
     * {@code {"error":"line protocol parsing error","data":{"error_message":...,"line_number":N,...}}} naming
     * the first such line; null forwards writes as they are.
     */
    public volatile String influxDb3Unparsable;
    /** Answer a query without the last line (document) of influxd's answer, as a whole answer of that length. */
    public volatile boolean dropLastQueryLine;

    public InfluxFaultProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Back to forwarding everything. */
    public void heal() {
        status = 0;
        maxBodyBytes = Integer.MAX_VALUE;
        delayMs = 0;
        stallAfterBytes = -1;
        reset = false;
        influxDb2Unparsable = null;
        influxDb3Unparsable = null;
        dropLastQueryLine = false;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Encoding"),
                    body.length));
            if (reset) {
                return;
            }
            int stallAt = stallAfterBytes;
            if (delayMs > 0 && stallAt < 0 && !sleep(delayMs)) {
                return;
            }
            if (status != 0) {
                answer(ex, status, ("{\"error\":\"injected " + status + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            if (body.length > maxBodyBytes) {
                answer(ex, 413, "{\"error\":\"Request Entity Too Large\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            boolean write = ex.getRequestURI().getPath().equals("/write");
            String unparsable3 = influxDb3Unparsable;
            if (unparsable3 != null && write) {
                String[] lines = writtenLines(ex, body);
                for (int i = 0; i < lines.length; i++) {
                    if (lines[i].contains(unparsable3)) {
                        answer(ex, 400, ("{\"error\":\"line protocol parsing error\",\"data\":{\"error_message\":"
                                + "\"Expected at least one space character\",\"line_number\":" + (i + 1)
                                + ",\"original_line\":" + json(lines[i].substring(0, Math.min(20, lines[i].length()))) + "}}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        return;
                    }
                }
            }
            String unparsable = influxDb2Unparsable;
            boolean asInfluxDb2 = unparsable != null && write;
            if (asInfluxDb2) {
                StringBuilder refused = new StringBuilder();
                for (String line : writtenLines(ex, body)) {
                    if (line.contains(unparsable)) {
                        refused.append(refused.length() == 0 ? "" : "\n").append("unable to parse '").append(line)
                                .append("': invalid tag format");
                    }
                }
                if (refused.length() > 0) {
                    answer(ex, 400, influxDb2Error("invalid", refused.toString()));
                    return;
                }
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : List.of("Content-Type", "Content-Encoding")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String error = r.headers().firstValue("X-Influxdb-Error").orElse("");
            if (asInfluxDb2 && r.statusCode() == 400 && error.contains("partial write")) {
                answer(ex, 422, influxDb2Error("unprocessable entity", "failure writing points to database: " + error
                        + " for database: 0a1b2c3d4e5f6a7b for retention policy: autogen"));
                return;
            }
            r.headers().firstValue("X-Influxdb-Error").ifPresent(v -> ex.getResponseHeaders().add("X-Influxdb-Error", v));
            r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            if (stallAt >= 0 && r.body().length > stallAt) {
                ex.sendResponseHeaders(r.statusCode(), 0);
                OutputStream out = ex.getResponseBody();
                out.write(r.body(), 0, stallAt);
                out.flush();
                if (sleep(delayMs)) {
                    out.write(r.body(), stallAt, r.body().length - stallAt);
                    out.close();
                }
                return;
            }
            byte[] answer = r.body();
            if (dropLastQueryLine && ex.getRequestURI().getPath().equals("/query")) {
                int end = answer.length > 0 && answer[answer.length - 1] == '\n' ? answer.length - 1 : answer.length;
                int cut = end;
                while (cut > 0 && answer[cut - 1] != '\n') {
                    cut--;
                }
                answer = java.util.Arrays.copyOf(answer, cut);
            }
            answer(ex, r.statusCode(), answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lines of line protocol a write request carries, gzip or not. */
    private static String[] writtenLines(HttpExchange ex, byte[] body) throws IOException {
        byte[] text = "gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))
                ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes() : body;
        return new String(text, java.nio.charset.StandardCharsets.UTF_8).split("\n");
    }

    /** An error answer's body as InfluxDB 2 writes it. */
    private static byte[] influxDb2Error(String code, String message) {
        return ("{\"code\":\"" + code + "\",\"message\":" + json(message) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A JSON string. */
    private static String json(String s) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean empty = status == 204 || body.length == 0;
        ex.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
