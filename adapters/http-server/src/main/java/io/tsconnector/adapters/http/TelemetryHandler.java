package io.tsconnector.adapters.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Adapter: the telemetry page in the Prometheus text (or OpenMetrics) format, without the {@code _created}
 * series simpleclient adds to counters, histograms and summaries: they double the series count and no
 * dashboard uses them (simpleclient 0.16 turns them off only by an environment variable).
 */
final class TelemetryHandler implements HttpHandler {
    private final CollectorRegistry registry;

    TelemetryHandler(CollectorRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String contentType = TextFormat.chooseContentType(exchange.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 14);
        try (Writer writer = new OutputStreamWriter(buffer, StandardCharsets.UTF_8)) {
            TextFormat.writeFormat(contentType, writer, Collections.enumeration(withoutCreated()));
        }
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : buffer.size());
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                buffer.writeTo(out);
            }
        }
    }

    private List<MetricFamilySamples> withoutCreated() {
        List<MetricFamilySamples> families = new ArrayList<>();
        for (MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
            if (f.type != Collector.Type.COUNTER && f.type != Collector.Type.HISTOGRAM
                    && f.type != Collector.Type.SUMMARY) {
                families.add(f);
                continue;
            }
            List<MetricFamilySamples.Sample> samples = new ArrayList<>(f.samples.size());
            for (MetricFamilySamples.Sample s : f.samples) {
                if (!s.name.endsWith("_created")) {
                    samples.add(s);
                }
            }
            families.add(new MetricFamilySamples(f.name, f.unit, f.type, f.help, samples));
        }
        return families;
    }
}
