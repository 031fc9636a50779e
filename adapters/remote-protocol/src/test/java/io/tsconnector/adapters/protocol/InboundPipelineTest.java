package io.tsconnector.adapters.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.application.service.ReadSeriesService;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.application.service.WriteSeriesService;
import io.tsconnector.domain.DestinationResolver;
import io.tsconnector.proto.Captures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the pipeline refuses before a request costs anything, and what it shows while serving. */
class InboundPipelineTest {
    private static final byte[] WRITE = Captures.read("rw1-stale-markers.bin");

    private static InboundRequest post(String path, byte[] body, String... headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return new InboundRequest("POST", path, h::get, RequestBody.of(body));
    }

    @Test
    void aBadContentLengthIs400AndCounted() {
        MemoryWiring w = new MemoryWiring(new InMemorySeriesStore(), Limits.DEFAULT);
        for (String bad : new String[] {"12x", "-1", ""}) {
            ProtocolResponse r = w.pipeline.handle(post("/write", WRITE, "Content-Length", bad));
            assertEquals(400, r.status(), bad);
            assertTrue(r.bodyText().startsWith("invalid Content-Length"), r.bodyText());
            assertEquals("0", r.headers().get(RemoteWriteEndpoint.SAMPLES_WRITTEN));
        }
        assertEquals(3.0, w.metric("timestream_connector_write_requests_total", "code", "400"));
    }

    @Test
    void theInFlightGaugeShowsRequestsBeingServed() throws Exception {
        InMemorySeriesStore store = new InMemorySeriesStore();
        MemoryWiring w = new MemoryWiring(store, Limits.DEFAULT);
        WriteGate gate = WriteGate.on(store);
        Thread t = new Thread(() -> w.pipeline.handle(post("/write", WRITE)));
        t.start();
        assertTrue(gate.awaitWrite());
        assertEquals(1.0, w.metric("timestream_connector_requests_in_flight"));
        gate.close();
        t.join();
        assertEquals(0.0, w.metric("timestream_connector_requests_in_flight"));
    }

    @Test
    void requestsOverTheDecodingBudgetAre503WhileOthersDecode() throws Exception {
        InMemorySeriesStore store = new InMemorySeriesStore();
        CollectorRegistry registry = new CollectorRegistry();
        DestinationResolver destinations = new DestinationResolver(MemoryWiring.DATABASE_LABEL, MemoryWiring.TABLE_LABEL,
                "", "");
        Limits limits = new Limits(64 * 1024, 1000);
        // room for the decompressed size of one such request at a time
        long declared = Snappy.declaredLength(WRITE, WRITE.length);
        InboundPipeline pipeline = new InboundPipeline(new WriteSeriesService(destinations, WritePolicy.DEFAULT, store),
                new ReadSeriesService(destinations, store), new ConnectorMetrics(registry), limits, 16, 0,
                Math.max(limits.maxDecodedBytes(), declared + 1024));
        WriteGate gate = WriteGate.on(store);
        Thread holder = new Thread(() -> pipeline.handle(post("/write", WRITE)));
        holder.start();
        assertTrue(gate.awaitWrite());
        byte[] big = Snappy.compress(new byte[(int) (limits.maxDecodedBytes() - declared / 2)]);
        ProtocolResponse refused = pipeline.handle(post("/write", big));
        assertEquals(503, refused.status(), refused.bodyText());
        assertEquals("1", refused.headers().get("Retry-After"));
        assertTrue(refused.bodyText().contains("too many bytes being read and decoded"), refused.bodyText());
        gate.close();
        holder.join();
        assertEquals(400, pipeline.handle(post("/write", big)).status(), "decoded once the budget is free: zeros are"
                + " not a WriteRequest");
        assertEquals(1.0, registry.getSampleValue("timestream_connector_requests_rejected_total"));
    }

    @Test
    void aBodyOverTheFreeBudgetIsRefusedBeforeItIsRead() throws Exception {
        InMemorySeriesStore store = new InMemorySeriesStore();
        DestinationResolver destinations = new DestinationResolver(MemoryWiring.DATABASE_LABEL, MemoryWiring.TABLE_LABEL,
                "", "");
        Limits limits = new Limits(64 * 1024, 1000);
        InboundPipeline pipeline = new InboundPipeline(new WriteSeriesService(destinations, WritePolicy.DEFAULT, store),
                new ReadSeriesService(destinations, store), new ConnectorMetrics(new CollectorRegistry()), limits, 16, 0,
                3L * limits.maxDecodedBytes());
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("Content-Length", Integer.toString(limits.maxBodyBytes()));
        CountDownLatch reading = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        RequestBody slow = max -> {
            if (reads.incrementAndGet() > 2) {
                throw new IOException("a third upload was read");
            }
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the client went away");
        };
        // two uploads of the largest raw size are being read (the client is slow): their bytes are counted
        List<Thread> uploads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> pipeline.handle(new InboundRequest("POST", "/write", h::get, slow)));
            t.start();
            uploads.add(t);
        }
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        ProtocolResponse third = pipeline.handle(new InboundRequest("POST", "/write", h::get, slow));
        assertEquals(503, third.status(), third.bodyText());
        assertTrue(third.bodyText().contains("too many bytes being read and decoded"), third.bodyText());
        assertEquals(2, reads.get(), "the refused body was not read");
        release.countDown();
        for (Thread t : uploads) {
            t.join();
        }
        assertEquals(204, pipeline.handle(post("/write", WRITE)).status(), "the budget is free again");
    }

    @Test
    void theDefaultDecodingBudgetFollowsTheHeapBetweenOneAndFourLargestRequests() {
        Limits limits = Limits.DEFAULT;
        long mib = 1 << 20;
        assertEquals(32 * mib, InboundPipeline.decodingBudget(limits, 128 * mib), "a small heap still takes one request");
        assertEquals(64 * mib, InboundPipeline.decodingBudget(limits, 512 * mib), "an eighth of the heap");
        assertEquals(128 * mib, InboundPipeline.decodingBudget(limits, 6L << 30), "at most four largest requests");
    }
}
