package io.tsconnector.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.influxdb.InfluxCredentials;
import io.tsconnector.adapters.influxdb.InfluxHttp;
import io.tsconnector.adapters.influxdb.InfluxSeriesReader;
import io.tsconnector.adapters.influxdb.InfluxSeriesWriter;
import io.tsconnector.adapters.influxdb.InfluxServer;
import io.tsconnector.adapters.influxdb.InfluxSettings;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.adapters.timestream.TimestreamClients;
import io.tsconnector.adapters.timestream.TimestreamSeriesReader;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.bootstrap.Connector;
import io.tsconnector.bootstrap.ConnectorSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.it.fake.InfluxFaultProxy;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --read.timeout} end to end: a remote read that runs past it is answered 503 with Retry-After and a
 * message naming the limit, about when the limit passes (not when the store would have finished), and the
 * store's work is stopped: Timestream's query is cancelled with CancelQuery, InfluxDB's connection closed. A
 * read that fits in the limit is answered as before.
 */
class ReadDeadlineTest {
    private static final Destination DEST = new Destination("deadlinedb", "metrics");
    private static final long T0 = 1_795_595_300_000L;
    private static final Duration LIMIT = Duration.ofMillis(1_500);
    /** The limit plus what a 2-core machine under test load may add. */
    private static final long ANSWER_BOUND_MS = LIMIT.toMillis() + 2_000;

    private static List<TimeSeries> series(int count, int samples) {
        List<TimeSeries> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Sample> ss = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                ss.add(new Sample(T0 + i * 15_000L, s + i));
            }
            out.add(new TimeSeries(Labels.of("__name__", "deadline_metric", "instance", "host-" + s), ss));
        }
        return out;
    }

    private static Connector connector(SeriesWriter writer, SeriesReader reader) {
        return Connector.start(ConnectorSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withDefaultDestination(DEST.database(), DEST.table())
                .withLimits(Limits.DEFAULT.withReadTimeout(LIMIT)), writer, reader);
    }

    private record Timed(RemoteCalls.Answer answer, long millis) {
    }

    private static Timed read(Connector connector, ReadRequest.ResponseType... types) {
        ReadRequest request = RemoteCalls.readRequest(List.of(SeriesQuery.of(T0, T0 + 100 * 15_000L,
                Matcher.eq("__name__", "deadline_metric"))), types);
        long start = System.nanoTime();
        RemoteCalls.Answer a = RemoteCalls.read(connector.uri(), request);
        return new Timed(a, (System.nanoTime() - start) / 1_000_000);
    }

    private static void assertStoppedAtTheLimit(Timed t) {
        assertEquals(503, t.answer.status(), t.answer.text());
        assertEquals("1", t.answer.retryAfter(), "Retry-After");
        assertTrue(t.answer.text().contains("within its limit of 1500ms (--read.timeout)"), t.answer.text());
        assertTrue(t.millis >= LIMIT.toMillis() - 50, "answered before the limit: " + t.millis + " ms");
        assertTrue(t.millis < ANSWER_BOUND_MS, "answered " + t.millis + " ms after the request, limit " + LIMIT);
    }

    @Test
    void aTimestreamReadOfManyPagesStopsAtTheLimitAndCancelsItsQuery() {
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
             TimestreamSeriesWriter writer = new TimestreamSeriesWriter(fake.local().writeClient(), 2)) {
            writer.write(Map.of(DEST, series(20, 100)));
            fake.local().pageRows(100);
            try (Connector c = connector(writer, new TimestreamSeriesReader(TimestreamClients.query("us-east-1", fake.uri(), 0, null)))) {
                assertEquals(200, read(c).answer.status(), "fits in the limit without delays");
                fake.delayEachCall(Duration.ofMillis(400));
                long pagesBefore = fake.queryCalls();
                Timed t = read(c);
                assertStoppedAtTheLimit(t);
                assertTrue(t.answer.text().contains("its Timestream query cancelled"), t.answer.text());
                assertEquals(1, fake.cancelCalls(), "CancelQuery calls");
                // 20 pages at 400 ms each would take 8 s; the read asked for 3 to 5 before it stopped
                long pages = fake.queryCalls() - pagesBefore;
                assertTrue(pages >= 2 && pages <= 6, "Query calls after the limit was set: " + pages);
                assertStoppedAtTheLimit(read(c, ReadRequest.ResponseType.STREAMED_XOR_CHUNKS));
            }
        }
    }

    @Test
    void aTimestreamQueryCallSlowerThanTheLimitIsCutAtTheLimit() {
        try (FakeTimestreamEndpoint fake = new FakeTimestreamEndpoint().start();
             TimestreamSeriesWriter writer = new TimestreamSeriesWriter(fake.local().writeClient(), 2)) {
            writer.write(Map.of(DEST, series(2, 10)));
            try (Connector c = connector(writer, new TimestreamSeriesReader(TimestreamClients.query("us-east-1", fake.uri(), 0, null)))) {
                assertEquals(200, read(c).answer.status());
                fake.delayEachCall(Duration.ofSeconds(6));
                assertStoppedAtTheLimit(read(c));
            }
        }
    }

    @Test
    void anInfluxdbReadSlowerThanTheLimitIsCutAtTheLimit() throws Exception {
        InfluxServer.requireBinary();
        try (InfluxServer influx = InfluxServer.start(); InfluxFaultProxy proxy = new InfluxFaultProxy(influx.uri())) {
            influx.createDatabase(DEST.database());
            // the request timeout is longer than the read limit: the limit must shorten it
            InfluxHttp http = new InfluxHttp(InfluxSettings.of(proxy.uri(), InfluxCredentials.token("t"))
                    .withRetries(3, 3).withTimeout(Duration.ofSeconds(10)));
            try (InfluxSeriesWriter writer = new InfluxSeriesWriter(http); Connector c = connector(writer, new InfluxSeriesReader(http))) {
                writer.write(Map.of(DEST, series(5, 20)));
                assertEquals(200, read(c).answer.status());
                proxy.delayMs = 6_000;
                assertStoppedAtTheLimit(read(c));
                assertStoppedAtTheLimit(read(c, ReadRequest.ResponseType.STREAMED_XOR_CHUNKS));
                // an answer that stops in its middle is cut at the limit too, not at the request timeout
                proxy.stallAfterBytes = 20;
                assertStoppedAtTheLimit(read(c));
                proxy.heal();
                assertEquals(200, read(c).answer.status(), "answered again once InfluxDB answers");
            }
        }
    }

    @Test
    void aStoreWithoutDeadlineSupportIsStoppedAsItHandsOverSeries() {
        InMemorySeriesStore memory = new InMemorySeriesStore();
        memory.write(Map.of(DEST, series(30, 10)));
        // a store that takes 100 ms per series and knows nothing of deadlines
        SeriesReader slow = (destination, query, consumer) -> memory.read(destination, query, s -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.accept(s);
        });
        try (Connector c = connector(memory, slow)) {
            assertStoppedAtTheLimit(read(c));
        }
    }
}
