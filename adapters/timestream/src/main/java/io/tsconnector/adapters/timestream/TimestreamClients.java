package io.tsconnector.adapters.timestream;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClientBuilder;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClientBuilder;

/**
 * Factory of the AWS SDK Timestream clients: JDK URL connections, the default credentials provider chain,
 * the SDK's standard retry strategy (exponential backoff with jitter for throttling, 5xx and network
 * errors). Build each client once per process; they are thread-safe.
 */
public final class TimestreamClients {
    /** Default limit of one query call: above the 60 s Timestream gives a Query call. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(70);
    /** Limit of one WriteRecords attempt. */
    public static final Duration WRITE_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /** Limit of one WriteRecords call with its retries: below Prometheus' default remote timeout of 30 s. */
    public static final Duration WRITE_CALL_TIMEOUT = Duration.ofSeconds(25);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private TimestreamClients() {
    }

    /**
     * The write client.
     *
     * @param region AWS region, e.g. us-east-1
     * @param endpointOrNull endpoint to use instead of endpoint discovery (VPC endpoint, test endpoint), or null
     * @param maxRetries attempts after the first for retryable errors
     */
    public static TimestreamWriteClient write(String region, URI endpointOrNull, int maxRetries) {
        return write(region, endpointOrNull, maxRetries, List.of());
    }

    /** The write client, with interceptors that observe its calls (telemetry). */
    public static TimestreamWriteClient write(String region, URI endpointOrNull, int maxRetries,
                                              List<ExecutionInterceptor> interceptors) {
        return writeBuilder(region, endpointOrNull, maxRetries, interceptors)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(WRITE_ATTEMPT_TIMEOUT))
                .build();
    }

    /**
     * The write client's builder with everything but the HTTP client set: credentials, region, retries, the call
     * timeout, cached endpoint rules and the interceptor that takes the bodies {@link TimestreamSeriesWriter}
     * serializes itself. {@link #write} adds the JDK URL-connection client; benchmarks add another.
     */
    public static TimestreamWriteClientBuilder writeBuilder(String region, URI endpointOrNull, int maxRetries) {
        return writeBuilder(region, endpointOrNull, maxRetries, List.of());
    }

    /** The write client's builder, with interceptors that observe its calls (telemetry). */
    public static TimestreamWriteClientBuilder writeBuilder(String region, URI endpointOrNull, int maxRetries,
                                                            List<ExecutionInterceptor> interceptors) {
        TimestreamWriteClientBuilder b = TimestreamWriteClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .endpointProvider(new CachedEndpointProvider())
                // no per-attempt timer: the socket timeout bounds each read, the call timeout the whole call
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retryStrategy(maxRetries))
                        .apiCallTimeout(WRITE_CALL_TIMEOUT)
                        .executionInterceptors(withPrebuiltBody(interceptors))
                        .build());
        if (endpointOrNull != null) {
            // Timestream requires endpoint discovery unless the endpoint is given
            b.endpointOverride(endpointOrNull).endpointDiscoveryEnabled(false);
        }
        return b;
    }

    /**
     * The query client.
     *
     * @param endpointOrNull endpoint to use instead of endpoint discovery, or null
     * @param maxRetries attempts after the first for retryable errors
     * @param timeout limit of one Query call (one page) including retries; null for {@link #DEFAULT_QUERY_TIMEOUT}
     */
    public static TimestreamQueryClient query(String region, URI endpointOrNull, int maxRetries, Duration timeout) {
        return query(region, endpointOrNull, maxRetries, timeout, List.of());
    }

    /** The query client, with interceptors that observe its calls (telemetry). */
    public static TimestreamQueryClient query(String region, URI endpointOrNull, int maxRetries, Duration timeout,
                                              List<ExecutionInterceptor> interceptors) {
        Duration limit = timeout == null ? DEFAULT_QUERY_TIMEOUT : timeout;
        TimestreamQueryClientBuilder b = TimestreamQueryClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(limit))
                .overrideConfiguration(config(maxRetries, limit, limit).toBuilder()
                        .executionInterceptors(interceptors).build());
        if (endpointOrNull != null) {
            b.endpointOverride(endpointOrNull).endpointDiscoveryEnabled(false);
        }
        return b.build();
    }

    /** The body interceptor first: observers then see the request as sent. */
    private static List<ExecutionInterceptor> withPrebuiltBody(List<ExecutionInterceptor> interceptors) {
        List<ExecutionInterceptor> all = new ArrayList<>(interceptors.size() + 1);
        all.add(new PrebuiltBodyInterceptor());
        all.addAll(interceptors);
        return all;
    }

    static RetryStrategy retryStrategy(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max retries must not be negative, got " + maxRetries);
        }
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxRetries + 1).build();
    }

    private static ClientOverrideConfiguration config(int maxRetries, Duration attempt, Duration call) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy(maxRetries))
                .apiCallAttemptTimeout(attempt)
                .apiCallTimeout(call)
                .build();
    }
}
