package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsconnector.application.RetryLaterException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/** The SDK clients honour the endpoint override without endpoint discovery; an unreachable endpoint is retryable. */
class TimestreamClientsTest {
    private String keyId;
    private String secret;

    @BeforeEach
    void credentials() {
        keyId = System.setProperty("aws.accessKeyId", "test");
        secret = System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterEach
    void restore() {
        restore("aws.accessKeyId", keyId);
        restore("aws.secretAccessKey", secret);
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }

    private static URI closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    @Test
    void unreachableEndpointIsRetryLater() throws Exception {
        URI endpoint = closedPort();
        try (TimestreamWriteClient write = TimestreamClients.write("us-east-1", endpoint, 0);
             TimestreamQueryClient query = TimestreamClients.query("us-east-1", endpoint, 0, Duration.ofSeconds(5))) {
            SdkClientException w = assertThrows(SdkClientException.class, () -> write.writeRecords(
                    WriteRecordsRequest.builder().databaseName("db").tableName("t").build()));
            assertInstanceOf(RetryLaterException.class, TimestreamErrors.translate("WriteRecords", w));
            SdkClientException q = assertThrows(SdkClientException.class,
                    () -> query.query(QueryRequest.builder().queryString("SELECT 1").build()));
            assertInstanceOf(RetryLaterException.class, TimestreamErrors.translate("Query", q));
        }
    }

    @Test
    void retriesAreAttemptsBeyondTheFirst() {
        assertEquals(4, TimestreamClients.retryStrategy(3).maxAttempts());
        assertEquals(1, TimestreamClients.retryStrategy(0).maxAttempts());
    }
}
