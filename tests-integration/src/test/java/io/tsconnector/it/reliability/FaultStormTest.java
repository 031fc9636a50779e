package io.tsconnector.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.bootstrap.Storage;
import io.tsconnector.bootstrap.StorageSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Label;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.fake.FakeTimestreamEndpoint.Phase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end test: a real Prometheus 2.42 scrapes itself and a 150-series target every second and remote-writes
 * through the connector (Timestream storage, real SDK) into the fake Timestream endpoint while the fake cycles
 * through throttling, 500s, connection resets, 2 s latency and lost responses. After the faults stop and
 * Prometheus' queue has drained, every finite sample in Prometheus' own TSDB must be stored, bit for bit, and
 * nothing else. Long form: {@code -Dstorm.phaseSeconds=30 -Dstorm.cycles=2}.
 */
class FaultStormTest {
    private static final Destination DEST = new Destination("stormDB", "stormTable");
    private static final String DATABASE_LABEL = "PrometheusDatabaseLabel";
    private static final String TABLE_LABEL = "PrometheusTableLabel";
    private static final List<Phase> STORM = List.of(Phase.THROTTLING, Phase.INTERNAL_ERROR, Phase.CONNECTION_RESET,
            Phase.LATENCY_2S, Phase.LOST_RESPONSE, Phase.NORMAL);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void everyFiniteSampleOfPrometheusIsStoredExactlyOnceThroughTheStorm() throws Exception {
        int phaseSeconds = Integer.getInteger("storm.phaseSeconds", 6);
        int cycles = Integer.getInteger("storm.cycles", 1);
        long seed = Long.getLong("storm.seed", System.nanoTime());
        System.out.println("FaultStormTest: seed " + seed + ", " + cycles + " cycle(s) of " + STORM.size() + " phases of "
                + phaseSeconds + " s (-Dstorm.seed= -Dstorm.cycles= -Dstorm.phaseSeconds=)");
        Path binary = PrometheusServer.requireBinary("FaultStormTest");
        Path promtool = PromtoolDump.promtool(binary);
        Path promDir = dir.resolve("prometheus");
        long startMs;
        long cutMs;
        Map<String, Double> promCounters;
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
             ScrapeTarget target = ScrapeTarget.start(150, seed);
             Connector connector = Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                     .withDestinationLabels(DATABASE_LABEL, TABLE_LABEL)
                     .withStorage(new StorageSettings(Storage.TIMESTREAM, "us-east-1", fake.uri(), fake.uri(), 1, 3, 16,
                             "./data", true)))) {
            startMs = System.currentTimeMillis();
            try (PrometheusServer prometheus = PrometheusServer.start(binary, "storm", promDir,
                    port -> config(port, target.address(), connector.uri()))) {
                Thread.sleep(3_000); // a few normal scrapes and writes first: the table exists before the storm
                Map<Phase, Long> faultsPerPhase = new LinkedHashMap<>();
                for (int c = 0; c < cycles; c++) {
                    for (Phase phase : STORM) {
                        long before = fake.faultedCalls();
                        fake.phase(phase);
                        Thread.sleep(phaseSeconds * 1000L);
                        faultsPerPhase.merge(phase, fake.faultedCalls() - before, Long::sum);
                        assertTrue(prometheus.isAlive(), "Prometheus died in phase " + phase + ":\n" + prometheus.logTail(40));
                    }
                }
                fake.phase(Phase.NORMAL);
                cutMs = System.currentTimeMillis() + 2_000;
                promCounters = awaitDrained(prometheus, cutMs, Duration.ofSeconds(120));
                System.out.printf("FaultStormTest: faulted calls per phase %s; lost responses %d; write calls %d%n",
                        faultsPerPhase, fake.lostResponses(), fake.writeCalls());
                System.out.println("FaultStormTest: Prometheus remote storage " + promCounters);
                for (Phase p : STORM) {
                    if (p != Phase.NORMAL && p != Phase.LATENCY_2S) {
                        assertTrue(faultsPerPhase.get(p) > 0, "the storm injected no fault in phase " + p + ": " + faultsPerPhase);
                    }
                }
                assertTrue(fake.lostResponses() > 0, "some writes were applied with their answer lost");
            }
            Map<String, Map<Long, Long>> inPrometheus = PromtoolDump.finiteSamples(promtool, promDir.resolve("data"),
                    dir, startMs, cutMs);
            Map<String, Map<Long, Long>> stored = stored(fake, startMs - 60_000, cutMs + 60_000, startMs, cutMs);
            compare(inPrometheus, stored, promCounters);
        }
    }

    /** Everything the fake's engine holds in the destination table, in [{@code fromMs}, {@code toMs}], finite only. */
    private static Map<String, Map<Long, Long>> stored(FakeTimestreamEndpoint fake, long queryFrom, long queryTo,
                                                       long fromMs, long toMs) {
        TimestreamSeriesReader reader = new TimestreamSeriesReader(fake.local().queryClient());
        Map<String, Map<Long, Long>> stored = new HashMap<>();
        reader.read(DEST, SeriesQuery.of(queryFrom, queryTo, Matcher.re("__name__", ".+")), series -> {
            Map<String, String> labels = new HashMap<>();
            for (Label l : series.labels()) {
                labels.put(l.name(), l.value());
            }
            Map<Long, Long> samples = new HashMap<>();
            for (Sample s : series.samples()) {
                if (Double.isFinite(s.value()) && s.timestampMs() >= fromMs && s.timestampMs() <= toMs) {
                    Long previous = samples.put(s.timestampMs(), Double.doubleToRawLongBits(s.value()));
                    if (previous != null) {
                        throw new AssertionError("two samples at " + s.timestampMs() + " in " + labels);
                    }
                }
            }
            if (!samples.isEmpty()) {
                stored.merge(PromtoolDump.key(labels), samples, (a, b) -> {
                    throw new AssertionError("the same series read twice: " + labels);
                });
            }
        });
        return stored;
    }

    private static void compare(Map<String, Map<Long, Long>> expected, Map<String, Map<Long, Long>> actual,
                                Map<String, Double> promCounters) {
        long total = 0;
        long missing = 0;
        long extra = 0;
        long mismatched = 0;
        long storedTotal = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Map<Long, Long>> e : expected.entrySet()) {
            Map<Long, Long> got = actual.getOrDefault(e.getKey(), Map.of());
            for (Map.Entry<Long, Long> s : e.getValue().entrySet()) {
                total++;
                Long bits = got.get(s.getKey());
                if (bits == null) {
                    missing++;
                    example(examples, "missing " + show(e.getKey()) + " @" + s.getKey());
                } else if (bits.longValue() != s.getValue()) {
                    mismatched++;
                    example(examples, "mismatch " + show(e.getKey()) + " @" + s.getKey() + ": "
                            + Double.longBitsToDouble(s.getValue()) + " vs " + Double.longBitsToDouble(bits));
                }
            }
        }
        for (Map.Entry<String, Map<Long, Long>> e : actual.entrySet()) {
            Map<Long, Long> want = expected.getOrDefault(e.getKey(), Map.of());
            for (Long t : e.getValue().keySet()) {
                storedTotal++;
                if (!want.containsKey(t)) {
                    extra++;
                    example(examples, "extra " + show(e.getKey()) + " @" + t);
                }
            }
        }
        System.out.printf("FaultStormTest: %d finite samples in Prometheus' TSDB (%d series), %d stored; missing %d, "
                + "extra %d, mismatched %d%n", total, expected.size(), storedTotal, missing, extra, mismatched);
        assertTrue(total > 1_000, "Prometheus scraped too little to prove anything: " + total + " samples");
        assertEquals(0, missing + extra + mismatched, "missing " + missing + ", extra " + extra + ", mismatched "
                + mismatched + "; Prometheus " + promCounters + "; examples: " + examples);
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 10) {
            examples.add(text);
        }
    }

    private static String show(String key) {
        return "{" + key.replace('\u0000', ',') + "}";
    }

    /**
     * Waits until Prometheus has sent samples newer than {@code cutMs} and either has nothing pending or sends
     * through a single shard, so everything up to the cut has been acknowledged; returns its remote-storage
     * counters. One shard sends in order and retries a batch until it is acknowledged, so a newer sample sent
     * means every older one was; the pending gauge alone is not enough: while Prometheus keeps scraping every
     * second it may never read 0 at a poll, and after a resharding it can stay off by a few hundred samples.
     */
    private static Map<String, Double> awaitDrained(PrometheusServer prometheus, long cutMs, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Double> m = Map.of();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            m = remoteStorageMetrics(prometheus.uri());
            boolean nothingPending = m.getOrDefault("prometheus_remote_storage_samples_pending", 1.0) == 0;
            boolean oneShard = m.getOrDefault("prometheus_remote_storage_shards", 0.0) == 1;
            if ((nothingPending || oneShard)
                    && m.getOrDefault("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", 0.0)
                    >= cutMs / 1000.0 + 3) {
                return m;
            }
        }
        throw new AssertionError("Prometheus' queue did not drain within " + timeout + ": " + m + "\n" + prometheus.logTail(40));
    }

    private static final Pattern METRIC = Pattern.compile(
            "(?m)^(prometheus_remote_storage_(?:samples_pending|queue_highest_sent_timestamp_seconds|samples_retried_total"
                    + "|samples_failed_total|samples_dropped_total|samples_total|shards))(?:\\{[^}]*\\})? (\\S+)$");

    private static Map<String, Double> remoteStorageMetrics(URI prometheus) throws IOException, InterruptedException {
        String page = HTTP.send(HttpRequest.newBuilder(prometheus.resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> m = new LinkedHashMap<>();
        java.util.regex.Matcher x = METRIC.matcher(page);
        while (x.find()) {
            m.merge(x.group(1), Double.parseDouble(x.group(2)), Double::sum);
        }
        return m;
    }

    /** Scrapes itself and the target every second; remote-writes with the destination labels added. */
    private static String config(int port, String target, URI connector) {
        return PrometheusServer.everySecondWritingTo(port, java.util.Map.of("storm", target), connector,
                DEST.database(), DEST.table(), List.of("min_backoff: 100ms", "max_backoff: 2s"), List.of());
    }
}
