package io.tsconnector.adapters.lambda;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.adapters.protocol.MemoryWiring;
import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.adapters.protocol.chunks.ChunkedFrameReader;
import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real API Gateway HTTP API v2 event JSON, deserialized as the Lambda runtime does, through the handler. */
class ApiGatewayV2HandlerTest {
    private static final int MAX_DECODED = 256 * 1024;
    private static final String WRITE_HEADERS = ",\"content-encoding\":\"snappy\",\"content-type\":\"application/x-protobuf\","
            + "\"x-prometheus-remote-write-version\":\"0.1.0\"";
    private static final String READ_HEADERS = ",\"content-encoding\":\"snappy\",\"content-type\":\"application/x-protobuf\","
            + "\"x-prometheus-remote-read-version\":\"0.1.0\"";

    private InMemorySeriesStore store;
    private ApiGatewayV2Handler handler;

    @BeforeEach
    void wire() {
        store = new InMemorySeriesStore();
        handler = handler(ApiGatewayV2Handler.MAX_RESPONSE_BODY_BYTES);
    }

    private ApiGatewayV2Handler handler(int maxResponseBytes) {
        return new ApiGatewayV2Handler(new MemoryWiring(store, new Limits(MAX_DECODED, 1_000_000)).pipeline,
                maxResponseBytes);
    }

    static APIGatewayV2HTTPEvent event(String json) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, ApiGatewayV2HandlerTest.class.getClassLoader())
                .fromJson(json);
    }

    /** The response as the Lambda runtime serializes it for API Gateway. */
    static String json(APIGatewayV2HTTPResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, ApiGatewayV2HandlerTest.class.getClassLoader())
                .toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static String resource(String name) {
        try (InputStream in = ApiGatewayV2HandlerTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event from the template: method, path (route POST path), extra header JSON, base64 of the body. */
    static String event(String method, String path, String headers, String body, boolean base64) {
        return resource("template.json").replace("%METHOD%", method).replace("%ROUTE_KEY%", method + " " + path)
                .replace("%PATH%", path).replace("%HEADERS%", headers)
                .replace("\"%BODY%\"", body == null ? "null" : "\"" + body + "\"")
                .replace("%BASE64%", Boolean.toString(base64));
    }

    static String write(byte[] body) {
        return event("POST", "/write", WRITE_HEADERS, Base64.getEncoder().encodeToString(body), true);
    }

    static String read(ReadRequest request) {
        return event("POST", "/read", READ_HEADERS, Base64.getEncoder().encodeToString(Snappy.compress(request.toByteArray())), true);
    }


    private static Query.Builder fxRequests() {
        return Query.newBuilder().setStartTimestampMs(1795595347959L).setEndTimestampMs(1795595351959L)
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusDatabaseLabel").setValue("promDB"))
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusTableLabel").setValue("promTable"))
                .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("fx_demo_requests_total"))
                .addMatchers(LabelMatcher.newBuilder().setName("path").setValue("/a"));
    }

    private APIGatewayV2HTTPResponse handle(String json) {
        APIGatewayV2HTTPResponse response = handler.handle(event(json));
        assertTrue(json(response).contains("\"statusCode\":" + response.getStatusCode()), "the response serializes");
        return response;
    }

    @Test
    void realWriteEventIsStoredAndAnswered204() {
        APIGatewayV2HTTPResponse r = handle(resource("write-stale-markers.json"));
        assertEquals(204, r.getStatusCode(), r.getBody());
        assertNull(r.getBody());
        assertFalse(r.getIsBase64Encoded());
    }

    @Test
    void writtenSamplesAreReadBackAsBase64SnappyProtobuf() throws Exception {
        assertEquals(204, handle(resource("write-stale-markers.json")).getStatusCode());
        APIGatewayV2HTTPResponse r = handle(read(ReadRequest.newBuilder().addQueries(fxRequests()).build()));
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertTrue(r.getIsBase64Encoded(), "binary bodies are base64 for API Gateway");
        assertEquals("application/x-protobuf", r.getHeaders().get("Content-Type"));
        assertEquals("snappy", r.getHeaders().get("Content-Encoding"));
        byte[] raw = Base64.getDecoder().decode(r.getBody());
        io.tsconnector.proto.prometheus.TimeSeries ts = io.tsconnector.adapters.protocol.StaleMarkersRead.series(raw);
        assertEquals(1795595347959L, ts.getSamples(0).getTimestamp());
    }

    @Test
    void streamedReadIsReturnedWhole() throws Exception {
        assertEquals(204, handle(resource("write-stale-markers.json")).getStatusCode());
        APIGatewayV2HTTPResponse r = handle(read(ReadRequest.newBuilder()
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).addQueries(fxRequests()).build()));
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertTrue(r.getIsBase64Encoded());
        assertEquals("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse", r.getHeaders().get("Content-Type"));
        ChunkedFrameReader frames = new ChunkedFrameReader(new ByteArrayInputStream(Base64.getDecoder().decode(r.getBody())));
        ChunkedReadResponse frame = frames.nextResponse();
        assertEquals(1, frame.getChunkedSeriesCount());
        assertNull(frames.nextResponse(), "one series, one frame");
    }

    @Test
    void missingVersionHeaderOnTheRootRouteIsMissingHeaderError() {
        APIGatewayV2HTTPResponse r = handle(event("POST", "/", ",\"content-encoding\":\"snappy\"",
                Base64.getEncoder().encodeToString(Captures.read("rw1-stale-markers.bin")), true));
        assertEquals(400, r.getStatusCode());
        assertTrue(r.getBody().startsWith("MissingHeaderError: "), r.getBody());
        assertFalse(r.getIsBase64Encoded(), "text bodies are plain");
        assertEquals("text/plain; charset=utf-8", r.getHeaders().get("Content-Type"));
        assertEquals(0, store.sampleCount(new io.tsconnector.domain.Destination("promDB", "promTable")), "nothing was written");
    }

    static Stream<Arguments> statusCases() {
        byte[] bin = Captures.read("rw1-stale-markers.bin");
        byte[] pb = Captures.read("rw1-stale-markers.pb");
        String b64 = Base64.getEncoder().encodeToString(bin);
        return Stream.of(
                Arguments.of("garbage snappy", write(new byte[] {0x10, 0x7f, 0x7f, 0x7f, 0x01}), 400),
                Arguments.of("truncated protobuf", write(Snappy.compress(Arrays.copyOf(pb, pb.length - 5))), 400),
                Arguments.of("uncompressed protobuf", write(pb), 400),
                Arguments.of("no body", event("POST", "/write", WRITE_HEADERS, null, false), 400),
                Arguments.of("body marked base64 but not base64", event("POST", "/write", WRITE_HEADERS, "%%not*base64%%", true), 400),
                Arguments.of("binary body not base64-encoded", event("POST", "/write", WRITE_HEADERS, "hello", false), 400),
                Arguments.of("declared snappy length over the limit",
                        write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0, 0, 0, 0, 0}), 413),
                Arguments.of("base64 body over the limit", write(new byte[Snappy.maxCompressedLength(MAX_DECODED) + 16]), 413),
                Arguments.of("wrong content type", event("POST", "/write",
                        ",\"content-type\":\"application/json\",\"x-prometheus-remote-write-version\":\"0.1.0\"", b64, true), 415),
                Arguments.of("wrong content encoding", event("POST", "/write",
                        ",\"content-encoding\":\"gzip\",\"x-prometheus-remote-write-version\":\"0.1.0\"", b64, true), 415),
                Arguments.of("GET", event("GET", "/write", WRITE_HEADERS, null, false), 405),
                Arguments.of("write header sent to /read", event("POST", "/read", WRITE_HEADERS, b64, true), 400),
                Arguments.of("read header sent to /write", event("POST", "/write", READ_HEADERS, b64, true), 400),
                Arguments.of("write under a stage path", event("POST", "/prod/write", WRITE_HEADERS, b64, true), 204),
                Arguments.of("write on the $default route", event("POST", "/", WRITE_HEADERS, b64, true), 204),
                Arguments.of("read header on the $default route", event("POST", "/", READ_HEADERS, b64, true), 400),
                Arguments.of("unknown path", event("POST", "/nope", WRITE_HEADERS, b64, true), 404),
                Arguments.of("Content-Length not a number", event("POST", "/write", WRITE_HEADERS
                        + ",\"content-length\":\"12x\"", b64, true), 400),
                Arguments.of("negative Content-Length", event("POST", "/write", WRITE_HEADERS
                        + ",\"content-length\":\"-1\"", b64, true), 400),
                Arguments.of("write without a version header: the path tells", event("POST", "/write",
                        ",\"content-encoding\":\"snappy\"", b64, true), 204),
                Arguments.of("mixed-case header names", event("POST", "/write",
                        ",\"Content-Encoding\":\"snappy\",\"X-Prometheus-Remote-Write-Version\":\"0.1.0\"", b64, true), 204),
                Arguments.of("read without a destination", event("POST", "/read", READ_HEADERS,
                        Base64.getEncoder().encodeToString(Snappy.compress(Captures.read("rr-sampled-request.pb"))), true), 400),
                Arguments.of("read of garbage", event("POST", "/read", READ_HEADERS,
                        Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}), true), 400));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("statusCases")
    void answersByTheStatusTable(String name, String json, int status) {
        APIGatewayV2HTTPResponse r = handle(json);
        assertEquals(status, r.getStatusCode(), () -> name + ": " + r.getBody());
        if (status >= 400) {
            assertTrue(r.getBody() != null && !r.getBody().isBlank(), "an error says what was wrong");
            assertFalse(r.getIsBase64Encoded());
        }
        if (status == 405) {
            assertEquals("POST", r.getHeaders().get("Allow"));
        }
    }

    @Test
    void storeFailuresMapToStatuses() {
        String write = resource("write-stale-markers.json");
        store.injectFailures((op, d) -> new RetryLaterException("Timestream throttled the request"));
        APIGatewayV2HTTPResponse r = handle(write);
        assertEquals(503, r.getStatusCode());
        assertEquals("1", r.getHeaders().get("Retry-After"));
        assertTrue(json(r).contains("\"Retry-After\":\"1\""), json(r));
        APIGatewayV2HTTPResponse read = handle(read(ReadRequest.newBuilder().addQueries(fxRequests()).build()));
        assertEquals(503, read.getStatusCode());
        APIGatewayV2HTTPResponse streamed = handle(read(ReadRequest.newBuilder()
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).addQueries(fxRequests()).build()));
        assertEquals(503, streamed.getStatusCode(), "a failing streamed read still gets a status: nothing was sent yet");
        assertEquals("1", streamed.getHeaders().get("Retry-After"));
        store.injectFailures((op, d) -> new NeverRetryException(NeverRetryException.Kind.NOT_FOUND, "The table promTable does not exist."));
        assertEquals(404, handle(write).getStatusCode());
        store.injectFailures((op, d) -> new NeverRetryException(NeverRetryException.Kind.ACCESS_DENIED, "denied"));
        assertEquals(403, handle(write).getStatusCode());
        store.clearFailures();
        assertEquals(204, handle(write).getStatusCode(), "the retry succeeds once faults clear");
    }

    @Test
    void readResultsLargerThanALambdaResponseAre400() {
        handler = handler(64);
        assertEquals(204, handle(resource("write-stale-markers.json")).getStatusCode());
        Query.Builder everything = Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(Long.MAX_VALUE)
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusDatabaseLabel").setValue("promDB"))
                .addMatchers(LabelMatcher.newBuilder().setName("PrometheusTableLabel").setValue("promTable"));
        APIGatewayV2HTTPResponse samples = handle(read(ReadRequest.newBuilder().addQueries(everything).build()));
        assertEquals(400, samples.getStatusCode());
        assertTrue(samples.getBody().contains("narrow the query"), samples.getBody());
        APIGatewayV2HTTPResponse streamed = handle(read(ReadRequest.newBuilder()
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).addQueries(everything).build()));
        assertEquals(400, streamed.getStatusCode());
        assertTrue(streamed.getBody().contains("narrow the query"), streamed.getBody());
    }

    @Test
    void eventsWithoutOptionalPartsNeverThrow() {
        assertEquals(400, handler.handle(null).getStatusCode());
        assertEquals(400, handler.handle(new APIGatewayV2HTTPEvent()).getStatusCode());
        APIGatewayV2HTTPResponse r = handle("{\"version\":\"2.0\",\"headers\":{\"x-prometheus-remote-write-version\":\"0.1.0\"}}");
        assertEquals(400, r.getStatusCode(), "an empty write body is undecodable");
    }

    @Test
    void aFunctionThatCannotServeAnswersEveryInvocationTheSame() {
        ApiGatewayV2Handler failing = ApiGatewayV2Handler.answeringAlways(400, "MissingDestinationError: set database_label");
        for (int i = 0; i < 2; i++) {
            APIGatewayV2HTTPResponse r = failing.handle(event(resource("write-stale-markers.json")));
            assertEquals(400, r.getStatusCode());
            assertEquals("MissingDestinationError: set database_label\n", r.getBody());
        }
    }
}
