package io.tsconnector.it.reliability;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Test fake: a scrape target serving a fixed number of gauges whose values change on every scrape, drawn
 * from a seeded generator over many magnitudes and signs, so a value changed by one bit anywhere shows.
 */
final class ScrapeTarget implements AutoCloseable {
    private final HttpServer server;
    private final int series;
    private final SplittableRandom random;

    private ScrapeTarget(int series, long seed) {
        this.series = series;
        this.random = new SplittableRandom(seed);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/metrics", exchange -> {
            byte[] body = page().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static ScrapeTarget start(int series, long seed) {
        return new ScrapeTarget(series, seed);
    }

    /** {@code 127.0.0.1:PORT}, as a static_configs target. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private synchronized String page() {
        StringBuilder sb = new StringBuilder(series * 48).append("# TYPE storm_gauge gauge\n");
        for (int i = 0; i < series; i++) {
            sb.append("storm_gauge{series=\"s").append(i).append("\",kind=\"").append(i % 5).append("\"} ")
                    .append(value(i)).append('\n');
        }
        return sb.toString();
    }

    /** Integers, fractions, tiny and huge values and negatives, each exactly representable in Java's and Go's text. */
    private String value(int i) {
        double v = switch (i % 5) {
            case 0 -> random.nextInt(1_000_000);
            case 1 -> random.nextDouble();
            case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(-300, 300));
            case 3 -> -random.nextDouble() * 1e6;
            default -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL); // any positive finite double
        };
        return Double.toString(v);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
