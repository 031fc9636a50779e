package io.tsconnector.adapters.timestream;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.services.timestreamwrite.endpoints.TimestreamWriteEndpointParams;
import software.amazon.awssdk.services.timestreamwrite.endpoints.TimestreamWriteEndpointProvider;

/**
 * Adapter support: the SDK's endpoint rules for Timestream writes, evaluated once per distinct set of
 * parameters (region, FIPS, dual stack, endpoint override) instead of on every WriteRecords call. The rules are
 * a pure function of those parameters, so the answer is the same; endpoint discovery still applies on top.
 */
final class CachedEndpointProvider implements TimestreamWriteEndpointProvider {
    private static final int MAX_ENTRIES = 64;
    private final TimestreamWriteEndpointProvider rules = TimestreamWriteEndpointProvider.defaultProvider();
    private final ConcurrentHashMap<Key, CompletableFuture<Endpoint>> resolved = new ConcurrentHashMap<>();

    private record Key(String region, Boolean fips, Boolean dualStack, String endpoint) {
    }

    @Override
    public CompletableFuture<Endpoint> resolveEndpoint(TimestreamWriteEndpointParams params) {
        Key key = new Key(params.region() == null ? null : params.region().id(), params.useFips(), params.useDualStack(),
                params.endpoint());
        CompletableFuture<Endpoint> cached = resolved.get(key);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<Endpoint> fresh = rules.resolveEndpoint(params);
        if (fresh.isDone() && !fresh.isCompletedExceptionally() && resolved.size() < MAX_ENTRIES) {
            resolved.putIfAbsent(key, fresh);
        }
        return fresh;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CachedEndpointProvider;
    }

    @Override
    public int hashCode() {
        return Objects.hash(CachedEndpointProvider.class);
    }
}
