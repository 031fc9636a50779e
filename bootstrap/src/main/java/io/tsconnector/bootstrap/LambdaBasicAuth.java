package io.tsconnector.bootstrap;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tsconnector.adapters.http.BasicAuthUsers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound guard on Lambda: HTTP basic authentication of every API Gateway event against the bcrypt hashes of
 * the {@code basic_auth_users} variable (htpasswd lines {@code user:hash}, separated by newlines or commas),
 * checked as {@code --web.config.file} checks them on the standalone server. Without the variable every
 * event passes (API Gateway's IAM authorization, or none, protects the function); with an invalid one every
 * event is refused, so a mistake never opens the function.
 */
final class LambdaBasicAuth {
    /** Lets every event through: no users configured. */
    static final LambdaBasicAuth OPEN = new LambdaBasicAuth(null, null);

    private static final System.Logger LOG = System.getLogger(LambdaBasicAuth.class.getName());

    private final BasicAuthUsers users;
    /** Set when the configuration is unusable: every event is answered 500 with it. */
    private final String misconfigured;

    private LambdaBasicAuth(BasicAuthUsers users, String misconfigured) {
        this.users = users;
        this.misconfigured = misconfigured;
    }

    /** The guard the environment describes; never throws. */
    static LambdaBasicAuth fromEnvironment(Map<String, String> env) {
        String text;
        try {
            text = OptionValues.lambda(env).get(Options.BASIC_AUTH_USERS);
        } catch (IllegalArgumentException e) {
            return refusingAll(e.getMessage());
        }
        if (text.isBlank()) {
            return OPEN;
        }
        try {
            return new LambdaBasicAuth(new BasicAuthUsers(parse(text)), null);
        } catch (IllegalArgumentException e) {
            return refusingAll("invalid basic_auth_users: " + e.getMessage());
        }
    }

    private static LambdaBasicAuth refusingAll(String reason) {
        LOG.log(System.Logger.Level.ERROR, "Every request is refused with 500: " + reason);
        return new LambdaBasicAuth(null, reason);
    }

    /** htpasswd lines {@code user:hash}; bcrypt hashes hold neither ',' nor whitespace. */
    static Map<String, String> parse(String text) {
        Map<String, String> users = new LinkedHashMap<>();
        for (String entry : text.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("expected user:bcrypt-hash entries separated by newlines or commas");
            }
            if (users.put(entry.substring(0, colon), entry.substring(colon + 1)) != null) {
                throw new IllegalArgumentException("user '" + entry.substring(0, colon) + "' is listed twice");
            }
        }
        return users;
    }

    /** Null when the event may be served, else the answer that refuses it. */
    APIGatewayV2HTTPResponse refusal(APIGatewayV2HTTPEvent event) {
        if (misconfigured != null) {
            return answer(500, misconfigured + " (fix the environment variable of the Lambda function)", Map.of());
        }
        if (users == null || users.authorized(header(event, "authorization"))) {
            return null;
        }
        return answer(401, "Unauthorized", Map.of("WWW-Authenticate", "Basic realm=\"" + BasicAuthUsers.REALM + "\""));
    }

    /** API Gateway lower-cases header names in payload 2.0; other callers may not. */
    private static String header(APIGatewayV2HTTPEvent event, String name) {
        if (event == null || event.getHeaders() == null) {
            return null;
        }
        for (Map.Entry<String, String> e : event.getHeaders().entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static APIGatewayV2HTTPResponse answer(int status, String body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "text/plain; charset=utf-8");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(all).withBody(body + "\n")
                .withIsBase64Encoded(false).build();
    }
}
