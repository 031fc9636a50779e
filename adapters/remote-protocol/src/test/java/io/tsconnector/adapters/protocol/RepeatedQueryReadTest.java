package io.tsconnector.adapters.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.service.ReadSeriesService;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.application.service.WriteSeriesService;
import io.tsconnector.domain.DestinationResolver;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A SAMPLES read that names the same query several times reads it from the store once. */
class RepeatedQueryReadTest {
    private final InMemorySeriesStore store = new InMemorySeriesStore();
    private final AtomicInteger reads = new AtomicInteger();

    private InboundPipeline pipeline(long maxReadSamples) {
        DestinationResolver destinations = new DestinationResolver(MemoryWiring.DATABASE_LABEL, MemoryWiring.TABLE_LABEL, "", "");
        SeriesReader counting = (destination, query, consumer) -> {
            reads.incrementAndGet();
            store.read(destination, query, consumer);
        };
        return new InboundPipeline(new WriteSeriesService(destinations, WritePolicy.DEFAULT, store),
                new ReadSeriesService(destinations, counting), new ConnectorMetrics(new CollectorRegistry()),
                new Limits(Limits.DEFAULT.maxDecodedBytes(), maxReadSamples), 16, 0);
    }

    private static InboundRequest post(String path, byte[] body) {
        Map<String, String> h = Map.of("Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
                "X-Prometheus-Remote-Read-Version", "0.1.0", "X-Prometheus-Remote-Write-Version", "0.1.0");
        return new InboundRequest("POST", path, h::get, RequestBody.of(Snappy.compress(body)));
    }

    private static Query query(String metric) {
        return Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(10_000)
                .addMatchers(matcher(MemoryWiring.DATABASE_LABEL, "db")).addMatchers(matcher(MemoryWiring.TABLE_LABEL, "t"))
                .addMatchers(matcher("__name__", metric)).build();
    }

    private static LabelMatcher matcher(String name, String value) {
        return LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName(name).setValue(value).build();
    }

    private void write(InboundPipeline p) {
        WriteRequest.Builder w = WriteRequest.newBuilder();
        for (String metric : new String[] {"a", "b"}) {
            TimeSeries.Builder ts = TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue(metric))
                    .addLabels(Label.newBuilder().setName(MemoryWiring.DATABASE_LABEL).setValue("db"))
                    .addLabels(Label.newBuilder().setName(MemoryWiring.TABLE_LABEL).setValue("t"));
            for (int i = 0; i < 3; i++) {
                ts.addSamples(Sample.newBuilder().setTimestamp(1000L * (i + 1)).setValue(metric.equals("a") ? i : -i - 0.5));
            }
            w.addTimeseries(ts);
        }
        assertEquals(204, p.handle(post("/write", w.build().toByteArray())).status());
    }

    private static ReadResponse decode(ProtocolResponse r) throws Exception {
        assertEquals(200, r.status(), r.bodyText());
        return ReadResponse.parseFrom(org.xerial.snappy.Snappy.uncompress(r.body()));
    }

    @Test
    void aRepeatedQueryIsReadOnceAndAnsweredInEveryPlace() throws Exception {
        InboundPipeline p = pipeline(Limits.DEFAULT.maxReadSamples());
        write(p);
        reads.set(0);
        ReadResponse alone = decode(p.handle(post("/read", ReadRequest.newBuilder().addQueries(query("a"))
                .addQueries(query("b")).build().toByteArray())));
        assertEquals(2, reads.getAndSet(0));
        ReadResponse repeated = decode(p.handle(post("/read", ReadRequest.newBuilder().addQueries(query("a"))
                .addQueries(query("a")).addQueries(query("b")).addQueries(query("a")).addQueries(query("b"))
                .build().toByteArray())));
        assertEquals(2, reads.get(), "each distinct query read once");
        assertEquals(5, repeated.getResultsCount());
        assertEquals(alone.getResults(0), repeated.getResults(0));
        assertEquals(alone.getResults(0), repeated.getResults(1));
        assertEquals(alone.getResults(1), repeated.getResults(2));
        assertEquals(alone.getResults(0), repeated.getResults(3));
        assertEquals(alone.getResults(1), repeated.getResults(4));
        assertNotEquals(repeated.getResults(0), repeated.getResults(2));
        assertEquals(3, repeated.getResults(3).getTimeseries(0).getSamplesCount());
    }

    @Test
    void repeatedResultsCountAgainstTheSampleLimit() throws Exception {
        InboundPipeline p = pipeline(6);
        write(p);
        byte[] twice = ReadRequest.newBuilder().addQueries(query("a")).addQueries(query("a")).build().toByteArray();
        assertEquals(2, decode(p.handle(post("/read", twice))).getResultsCount());
        byte[] thrice = ReadRequest.newBuilder().addQueries(query("a")).addQueries(query("a")).addQueries(query("a"))
                .build().toByteArray();
        ProtocolResponse refused = p.handle(post("/read", thrice));
        assertEquals(400, refused.status());
        assertTrue(refused.bodyText().contains("exceeds the limit of 6 samples"), refused.bodyText());
    }
}
