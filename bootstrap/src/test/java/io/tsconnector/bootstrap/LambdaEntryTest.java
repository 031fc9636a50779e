package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.tsconnector.adapters.lambda.ApiGatewayV2Handler;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.bootstrap.logging.ConnectorLoggerFinder;
import io.tsconnector.bootstrap.logging.LogSettings;
import io.tsconnector.domain.Destination;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LambdaEntryTest {
    private static final Map<String, String> LABELS = Map.of("database_label", "PrometheusDatabaseLabel",
            "table_label", "PrometheusTableLabel");

    @AfterEach
    void resetLogging() {
        ConnectorLoggerFinder.configure(LogSettings.DEFAULT);
    }

    private static String writeEventJson() {
        try (InputStream in = LambdaEntryTest.class.getResourceAsStream("/events/write-stale-markers.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static APIGatewayV2HTTPEvent event(String json) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, LambdaEntryTest.class.getClassLoader())
                .fromJson(json);
    }

    /** The write event turned into a remote read of fx_demo_requests_total{path="/a"}. */
    private static APIGatewayV2HTTPEvent readEvent() {
        ReadRequest request = ReadRequest.newBuilder().addQueries(Query.newBuilder()
                .setStartTimestampMs(1795595347959L).setEndTimestampMs(1795595351959L)
                .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("fx_demo_requests_total"))
                .addMatchers(LabelMatcher.newBuilder().setName("path").setValue("/a"))).build();
        String body = Base64.getEncoder().encodeToString(Snappy.compress(request.toByteArray()));
        String json = writeEventJson().replace("POST /write", "POST /read").replace("/write", "/read")
                .replace("x-prometheus-remote-write-version", "x-prometheus-remote-read-version")
                .replaceFirst("\"body\": \"[^\"]*\"", "\"body\": \"" + body + "\"");
        return event(json);
    }

    private static APIGatewayV2HTTPResponse invoke(LambdaEntry entry, APIGatewayV2HTTPEvent event) {
        return entry.handleRequest(event, null);
    }

    @Test
    void writesAndReadsThroughTheStoreTheEnvironmentNames() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("default_database", "promDB", "default_table", "promTable",
                "storage", "memory"));
        LambdaEntry entry = new LambdaEntry(LambdaEntry.fromEnvironment(env));
        APIGatewayV2HTTPResponse write = invoke(entry, event(writeEventJson()));
        assertEquals(204, write.getStatusCode(), write.getBody());
        APIGatewayV2HTTPResponse read = invoke(entry, readEvent());
        assertEquals(200, read.getStatusCode(), read.getBody());
        assertTrue(read.getIsBase64Encoded());
        byte[] raw = Base64.getDecoder().decode(read.getBody());
        ReadResponse response = ReadResponse.parseFrom(Snappy.decompress(raw, raw.length, 1 << 20));
        assertEquals(2, response.getResults(0).getTimeseries(0).getSamplesCount(),
                "the default destination serves the read without destination matchers");
    }

    @Test
    void destinationLabelsFromTheEnvironmentRouteWrites() {
        InMemorySeriesStore store = new InMemorySeriesStore();
        LambdaEntry entry = new LambdaEntry(LambdaEntry.forStore(LambdaSettings.fromEnvironment(LABELS), store, store));
        assertEquals(204, invoke(entry, event(writeEventJson())).getStatusCode());
        assertEquals(31, store.sampleCount(new Destination("promDB", "promTable")), "34 samples less 3 stale markers");
    }

    @Test
    void withoutADestinationEveryInvocationIsMissingDestinationError() {
        LambdaEntry entry = new LambdaEntry(LambdaEntry.fromEnvironment(Map.of("storage", "memory")));
        for (int i = 0; i < 2; i++) {
            APIGatewayV2HTTPResponse r = invoke(entry, event(writeEventJson()));
            assertEquals(400, r.getStatusCode());
            assertTrue(r.getBody().startsWith("MissingDestinationError: "), r.getBody());
            assertTrue(r.getBody().contains("database_label"), r.getBody());
        }
        Map<String, String> onlyDatabase = Map.of("storage", "memory", "database_label", "PrometheusDatabaseLabel");
        assertEquals(400, invoke(new LambdaEntry(LambdaEntry.fromEnvironment(onlyDatabase)), event(writeEventJson()))
                .getStatusCode(), "a database without a table is no destination either");
    }

    @Test
    void aBadVariableAnswers500WithTheDocumentedErrorName() {
        Map<String, String[]> cases = Map.of(
                "enable_logging", new String[] {"yes", "ParseEnableLoggingError: "},
                "fail_on_long_label", new String[] {"maybe", "ParseMetricLabelError: "},
                "fail_on_invalid_sample_value", new String[] {"2", "ParseSampleOptionError: "},
                "log_level", new String[] {"trace", "invalid value 'trace' for log_level: "},
                "storage", new String[] {"s3", "invalid value 's3' for storage"},
                "max_retries", new String[] {"-1", "invalid max_retries -1"});
        cases.forEach((variable, valueAndMessage) -> {
            Map<String, String> env = new HashMap<>(LABELS);
            env.put(variable, valueAndMessage[0]);
            ApiGatewayV2Handler handler = LambdaEntry.fromEnvironment(env);
            APIGatewayV2HTTPResponse r = invoke(new LambdaEntry(handler), event(writeEventJson()));
            assertEquals(500, r.getStatusCode(), variable);
            assertTrue(r.getBody().startsWith(valueAndMessage[1]), r.getBody());
            assertTrue(r.getBody().contains(variable), r.getBody());
        });
    }

    @Test
    void storageThatCannotOpenAnswers500() {
        Map<String, String> env = new HashMap<>(LABELS);
        env.put("storage", "local");
        env.put("local_path", "/proc/self/cannot-create-here");
        APIGatewayV2HTTPResponse r = invoke(new LambdaEntry(LambdaEntry.fromEnvironment(env)), event(writeEventJson()));
        assertEquals(500, r.getStatusCode());
        assertTrue(r.getBody().startsWith("cannot open the local storage"), r.getBody());
    }

    @Test
    void theRuntimeConstructorBuildsOnePerContainer() {
        assumeTrue(System.getenv("database_label") == null && System.getenv("default_database") == null
                && System.getenv("storage") == null, "the test process has no connector variables");
        LambdaEntry first = new LambdaEntry();
        LambdaEntry second = new LambdaEntry();
        assertSame(first.handler(), second.handler(), "clients and endpoints are built once per container");
        APIGatewayV2HTTPResponse r = invoke(first, event(writeEventJson()));
        assertEquals(400, r.getStatusCode(), "no destination in this process's environment");
        assertTrue(r.getBody().startsWith("MissingDestinationError: "), r.getBody());
    }

    @Test
    void theSamTemplateNamesThisHandlerThePackageAndOnlyKnownVariables() throws Exception {
        java.nio.file.Path template = null;
        for (java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath(); p != null && template == null; p = p.getParent()) {
            if (java.nio.file.Files.exists(p.resolve("template.yaml"))) {
                template = p.resolve("template.yaml");
            }
        }
        assertTrue(template != null, "template.yaml at the repository root");
        String text = java.nio.file.Files.readString(template);
        assertTrue(text.contains("Handler: " + LambdaEntry.class.getName() + "::handleRequest"), "handler name");
        LambdaEntry.class.getMethod("handleRequest", APIGatewayV2HTTPEvent.class,
                com.amazonaws.services.lambda.runtime.Context.class);
        assertTrue(text.contains("CodeUri: bootstrap/target/timestream-prometheus-connector-lambda.zip"), "package path");
        java.util.regex.Matcher variables = java.util.regex.Pattern.compile("(?m)^ {10}([a-z_]+): ").matcher(text);
        int count = 0;
        while (variables.find()) {
            assertTrue(LambdaSettings.VARIABLES.contains(variables.group(1)), variables.group(1));
            count++;
        }
        assertEquals(9, count, "the environment variables the template sets");
    }
}
