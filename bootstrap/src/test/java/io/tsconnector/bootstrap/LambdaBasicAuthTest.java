package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.domain.Destination;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Basic authentication on Lambda: the guard LambdaEntry applies before the handler sees an event. */
class LambdaBasicAuthTest {
    /** bcrypt of "wonderland". */
    private static final String ALICE_HASH = "$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa";
    private static final Map<String, String> ENV = Map.of("database_label", "PrometheusDatabaseLabel",
            "table_label", "PrometheusTableLabel", "basic_auth_users", "alice:" + ALICE_HASH);

    private final InMemorySeriesStore store = new InMemorySeriesStore();

    private APIGatewayV2HTTPResponse invoke(Map<String, String> env, String authorization) throws IOException {
        return invoke(env, "authorization", authorization);
    }

    private APIGatewayV2HTTPResponse invoke(Map<String, String> env, String headerName, String authorization)
            throws IOException {
        LambdaEntry entry = new LambdaEntry(LambdaEntry.forStore(LambdaSettings.fromEnvironment(env), store, store),
                LambdaBasicAuth.fromEnvironment(env));
        String json;
        try (InputStream in = getClass().getResourceAsStream("/events/write-stale-markers.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        APIGatewayV2HTTPEvent event = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class,
                getClass().getClassLoader()).fromJson(json);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.keySet().removeIf(k -> k.equalsIgnoreCase("authorization"));
        if (authorization != null) {
            headers.put(headerName, authorization);
        }
        event.setHeaders(headers);
        return entry.handleRequest(event, null);
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private long stored() {
        return store.sampleCount(new Destination("promDB", "promTable"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice:wrong", "bob:wonderland", "alice:", "garbage-not-base64", "Bearer abc"})
    void withoutValidCredentialsTheAnswerIs401AndNothingIsWritten(String credentials) throws IOException {
        String header = credentials.isEmpty() ? null
                : credentials.contains(":") ? basic(credentials) : credentials.startsWith("Bearer") ? credentials
                : "Basic " + credentials;
        APIGatewayV2HTTPResponse r = invoke(ENV, header);
        assertEquals(401, r.getStatusCode(), r.getBody());
        assertEquals("Basic realm=\"timestream-prometheus-connector\"", r.getHeaders().get("WWW-Authenticate"));
        assertEquals(0, stored());
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization", "Authorization"})
    void validCredentialsAreServed(String headerName) throws IOException {
        APIGatewayV2HTTPResponse r = invoke(ENV, headerName, basic("alice:wonderland"));
        assertEquals(204, r.getStatusCode(), r.getBody());
        assertEquals(31, stored());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice|expected user:bcrypt-hash entries",
        "alice:plaintext|invalid password hash of user 'alice'",
        "alice:$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa,alice:$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa|listed twice",
    })
    void anUnusableUserListRefusesEverything(String users, String message) throws IOException {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("basic_auth_users", users);
        APIGatewayV2HTTPResponse r = invoke(env, basic("alice:wonderland"));
        assertEquals(500, r.getStatusCode());
        assertTrue(r.getBody().contains(message), r.getBody());
        assertFalse(r.getBody().contains("plaintext"), "a password is never repeated: " + r.getBody());
        assertEquals(0, stored());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice:%s", "alice:%s\n", "bob:%s,alice:%s", "bob:%s\nalice:%s\n"})
    void usersAreHtpasswdLinesSeparatedByNewlinesOrCommas(String format) {
        Map<String, String> users = LambdaBasicAuth.parse(format.replace("%s", ALICE_HASH));
        assertEquals(ALICE_HASH, users.get("alice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void withoutUsersTheGuardIsOpenForIamOrNone(String users) throws IOException {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("basic_auth_users", users);
        assertEquals(204, invoke(env, null).getStatusCode());
    }
}
