package io.tsconnector.bootstrap;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.tsconnector.adapters.influxdb.InfluxCallObserver;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Adapter: telemetry of the storage's calls, by operation ({@code timestream_connector_storage_call_duration_seconds},
 * {@code ..._storage_retries_total}, {@code ..._storage_throttles_total}); an AWS SDK interceptor on the Timestream
 * clients, the InfluxDB adapter's call observer, and the local engine's timed clients.
 *
 * <p>The write path is CPU-bound, so each call costs two clock reads and one histogram observation, each attempt
 * one attribute update; throttles are read from the {@code x-amzn-ErrorType} header, never from the body.
 */
public final class StorageCallMetrics implements ExecutionInterceptor, InfluxCallObserver {
    private static final ExecutionAttribute<long[]> CALL = new ExecutionAttribute<>("tsconnector.call");
    private static final String THROTTLING = "ThrottlingException";

    private final Histogram duration;
    private final Counter retries;
    private final Counter throttles;

    /**
     * {@code operations}: the calls the storage is known to make, exported at 0 from the start so that rates and
     * dashboards have a series before the first retry or throttle.
     */
    public StorageCallMetrics(CollectorRegistry registry, String... operations) {
        duration = Histogram.build("timestream_connector_storage_call_duration_seconds",
                "Time of one storage call with its retries, by operation.").labelNames("operation").register(registry);
        retries = Counter.build("timestream_connector_storage_retries_total",
                "Storage call attempts after the first, by operation.").labelNames("operation").register(registry);
        throttles = Counter.build("timestream_connector_storage_throttles_total",
                "Storage call attempts the storage refused as throttled, by operation.").labelNames("operation")
                .register(registry);
        for (String operation : operations) {
            duration.labels(operation);
            retries.labels(operation);
            throttles.labels(operation);
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        // [start nanos, attempts]
        attributes.putAttribute(CALL, new long[] {System.nanoTime(), 0});
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        long[] call = attributes.getAttribute(CALL);
        if (call != null && call[1]++ > 0) {
            retries.labels(operation(attributes)).inc();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        SdkHttpResponse response = context.httpResponse();
        if (!response.isSuccessful()) {
            Optional<String> type = response.firstMatchingHeader("x-amzn-ErrorType");
            if (type.isPresent() && type.get().startsWith(THROTTLING)) {
                throttles.labels(operation(attributes)).inc();
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        observe(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        observe(attributes);
    }

    @Override
    public void called(String operation, long nanos) {
        duration.labels(operation).observe(nanos / 1e9);
    }

    @Override
    public void retried(String operation) {
        retries.labels(operation).inc();
    }

    @Override
    public void throttled(String operation) {
        throttles.labels(operation).inc();
    }

    private void observe(ExecutionAttributes attributes) {
        long[] call = attributes.getAttribute(CALL);
        if (call != null) {
            duration.labels(operation(attributes)).observe((System.nanoTime() - call[0]) / 1e9);
        }
    }

    private static String operation(ExecutionAttributes attributes) {
        String name = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return name == null ? "unknown" : name;
    }
}
