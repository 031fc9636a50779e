package io.tsconnector.adapters.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tsconnector.adapters.protocol.MemoryWiring;
import io.tsconnector.adapters.protocol.contract.InboundContract;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The inbound contract through the Lambda handler: each case becomes the API Gateway HTTP API (payload 2.0)
 * event JSON API Gateway sends (header names lower case, binary bodies base64), deserialized as the Lambda
 * runtime does; the response is serialized as the runtime does and read back.
 */
class LambdaInboundContractTest extends InboundContract {
    @Override
    protected Answer send(MemoryWiring wiring, Case c) {
        StringBuilder headers = new StringBuilder();
        for (Map.Entry<String, String> h : c.headers().entrySet()) {
            headers.append(",").append(json(h.getKey().toLowerCase(Locale.ROOT))).append(":").append(json(h.getValue()));
        }
        String body = c.body().length == 0 ? null : Base64.getEncoder().encodeToString(c.body());
        String event = ApiGatewayV2HandlerTest.event(c.method(), c.path(), headers.toString(), body, body != null);
        APIGatewayV2HTTPResponse response = new ApiGatewayV2Handler(wiring.pipeline)
                .handle(ApiGatewayV2HandlerTest.event(event));
        String serialized = ApiGatewayV2HandlerTest.json(response);
        assertEquals(true, serialized.contains("\"statusCode\":" + response.getStatusCode()), serialized);
        byte[] bytes = response.getBody() == null ? new byte[0] : response.getIsBase64Encoded()
                ? Base64.getDecoder().decode(response.getBody()) : response.getBody().getBytes(StandardCharsets.UTF_8);
        return new Answer(response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(),
                bytes);
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }
}
