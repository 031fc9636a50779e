package io.tsconnector.adapters.protocol;

import io.tsconnector.application.port.in.ReadSeriesUseCase;
import io.tsconnector.application.port.in.WriteSeriesUseCase;
import io.tsconnector.application.service.LogRateLimit;
import io.tsconnector.domain.ErrorName;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * Adapter: the inbound pipeline shared by the HTTP server and the Lambda handler: everything a remote write or read request
 * goes through that does not depend on the transport. It routes by method and path, refuses what it cannot
 * serve (method 405, size 413, overload 503, bad Content-Length 400), negotiates version and Content-Type,
 * sets the written-count headers on every answer to {@code /write}, counts every answer by status (refusals
 * included), logs one bounded line per answer that is not a success, and maps failures by the status table.
 *
 * <p>The in-flight bound is taken before the body is read, so a request either gets a permit or a cheap 503
 * with Retry-After at once; clients that stall their uploads hold permits, never every thread of the transport.
 */
public final class InboundPipeline {
    public static final String WRITE_PATH = "/write";
    public static final String READ_PATH = "/read";
    public static final String WRITE_VERSION_HEADER = "X-Prometheus-Remote-Write-Version";
    public static final String READ_VERSION_HEADER = "X-Prometheus-Remote-Read-Version";
    /** Requests decoded and served at once before new ones are answered 503. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    private static final System.Logger LOG = System.getLogger(InboundPipeline.class.getName());

    /** The two endpoints; each knows its metrics and what its answers always carry. */
    private enum Route {
        WRITE("remote write", READ_VERSION_HEADER, WRITE_VERSION_HEADER, "write requests to " + WRITE_PATH),
        READ("remote read", WRITE_VERSION_HEADER, READ_VERSION_HEADER, "read requests to " + READ_PATH);

        final String what;
        final String otherHeader;
        final String ownHeader;
        final String advice;

        Route(String what, String otherHeader, String ownHeader, String advice) {
            this.what = what;
            this.otherHeader = otherHeader;
            this.ownHeader = ownHeader;
            this.advice = advice;
        }
    }

    private final RemoteWriteEndpoint write;
    private final RemoteReadEndpoint read;
    private final ConnectorMetrics metrics;
    private final Limits limits;
    private final AdmissionLimit admission;
    /**
     * KiB of request bodies being read and decoded at once (the body's bytes plus its declared decompressed size):
     * bounds memory whatever the size and number of requests in flight.
     */
    private final Semaphore decodedKib;
    private final int budgetKib;
    private final LogRateLimit answerLog = new LogRateLimit(20, 1_000_000_000L);

    public InboundPipeline(WriteSeriesUseCase writes, ReadSeriesUseCase reads, ConnectorMetrics metrics, Limits limits) {
        this(writes, reads, metrics, limits, DEFAULT_MAX_IN_FLIGHT, RemoteWriteEndpoint.DEFAULT_LABELS_CACHE_ENTRIES);
    }

    /** A pipeline whose decoding budget follows the JVM's heap, see {@link #decodingBudget}. */
    public InboundPipeline(WriteSeriesUseCase writes, ReadSeriesUseCase reads, ConnectorMetrics metrics, Limits limits,
                           int maxInFlight, int labelsCacheEntries) {
        this(writes, reads, metrics, limits, maxInFlight, labelsCacheEntries,
                decodingBudget(limits, Runtime.getRuntime().maxMemory()));
    }

    /**
     * Decompressed bytes decoded at once by default: an eighth of the heap, since a request takes about three to
     * four times its decompressed size in heap while it is decoded and written; at least one request of the
     * largest size, at most four (128 MiB with the default limit). With {@code -Xmx512m}: 64 MiB.
     */
    public static long decodingBudget(Limits limits, long maxHeapBytes) {
        return Math.max(limits.maxDecodedBytes(), Math.min(4L * limits.maxDecodedBytes(), maxHeapBytes / 8));
    }

    /**
     * @param maxInFlight requests decoded and served at once; more are answered 503 with Retry-After (fewer while
     *        admitted writes queue, see {@link AdmissionLimit})
     * @param labelsCacheEntries label sets of remote write 1.0 kept for reuse (0 disables the cache)
     * @param maxDecodingBytes bytes of request bodies read and decoded at once: each body's own bytes (its
     *        Content-Length from before it is read) plus the decompressed size its snappy header declares; a
     *        request that would go over is answered 503 with Retry-After, so memory does not grow with the number
     *        or the size of the requests in flight (at least the largest request allowed,
     *        {@link Limits#maxDecodedBytes()}; a request needing more waits until it can take the whole budget)
     */
    public InboundPipeline(WriteSeriesUseCase writes, ReadSeriesUseCase reads, ConnectorMetrics metrics, Limits limits,
                           int maxInFlight, int labelsCacheEntries, long maxDecodingBytes) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in-flight requests must be positive: " + maxInFlight);
        }
        if (maxDecodingBytes < limits.maxDecodedBytes()) {
            throw new IllegalArgumentException("the decoding budget of " + maxDecodingBytes + " bytes is smaller than "
                    + "the largest request allowed (" + limits.maxDecodedBytes() + " bytes)");
        }
        this.budgetKib = (int) Math.min(Integer.MAX_VALUE, maxDecodingBytes / 1024);
        this.decodedKib = new Semaphore(budgetKib);
        this.write = new RemoteWriteEndpoint(writes, metrics, limits, labelsCacheEntries);
        this.read = new RemoteReadEndpoint(reads, limits);
        this.metrics = metrics;
        this.limits = limits;
        this.admission = new AdmissionLimit(maxInFlight);
    }

    public Limits limits() {
        return limits;
    }

    /** Answers one request; never throws. Not-success answers are logged, at most a few lines a second. */
    public ProtocolResponse handle(InboundRequest request) {
        long start = System.nanoTime();
        Route route = route(request);
        if (route == null) {
            return unrouted(request);
        }
        ProtocolResponse response;
        boolean admitted = false;
        try {
            response = refusal(route, request);
            if (response == null) {
                if (!admission.tryAcquire()) {
                    metrics.rejectedForOverload();
                    response = StatusTable.retryLater("the connector is overloaded: "
                            + "too many requests in flight; retry later");
                } else {
                    admitted = true;
                    metrics.inFlight(1);
                    response = serve(route, request);
                }
            }
        } catch (RuntimeException | Error e) {
            response = failure(route, e);
        }
        if (route == Route.WRITE) {
            RemoteWriteEndpoint.withWrittenCounts(response);
        }
        if (response.isStreamed()) {
            return admitted ? counted(route, response, start) : response;
        }
        response = withinLimit(route, response, request.maxResponseBytes());
        if (admitted) {
            release();
            if (route == Route.WRITE) {
                admission.writeAnswered(System.nanoTime() - start);
            }
        }
        // only a refusal's body is logged: a read's answer is megabytes of samples, not text
        answered(route, response.status(), start, response.status() >= 300 ? response.bodyText() : "");
        return response;
    }

    private ProtocolResponse serve(Route route, InboundRequest request) {
        // The body's bytes count from before it is read (its Content-Length, or the largest body when the length
        // is not declared), so hundreds of admitted uploads cannot fill the heap before any is decoded. A request
        // needing more than the whole budget takes all of it, so it waits its turn instead of never passing.
        int budget = budgetKib;
        int rawKib = Math.min(budget, kib(declaredLength(request.headers()).orElse(limits.maxBodyBytes())));
        if (!decodedKib.tryAcquire(rawKib)) {
            return overBudget();
        }
        int held = rawKib;
        try {
            RequestBody.Bytes body;
            try {
                body = request.body().read(limits.maxBodyBytes());
            } catch (IOException e) {
                return ProtocolResponse.text(400, "cannot read the request body: " + e.getMessage());
            }
            int needed = Math.min(budget, kib(body.length()) + decodingKib(body));
            if (needed > held && !decodedKib.tryAcquire(needed - held)) {
                return overBudget();
            }
            if (needed < held) {
                decodedKib.release(held - needed);
            }
            held = needed;
            RequestHeaders headers = request.headers();
            return route == Route.WRITE ? write.handle(headers, body.bytes(), body.length())
                    : read.handle(headers, body.bytes(), body.length(), request.maxResponseBytes());
        } finally {
            decodedKib.release(held);
        }
    }

    private ProtocolResponse overBudget() {
        metrics.rejectedForOverload();
        return StatusTable.retryLater("the connector is overloaded: too many bytes being read and decoded; retry later");
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024);
    }

    /** The declared Content-Length; empty when absent (checked to be a valid number by {@link #refusal}). */
    private static java.util.OptionalLong declaredLength(RequestHeaders headers) {
        String declared = headers.get("Content-Length");
        if (declared == null) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(Long.parseLong(declared.trim()));
        } catch (NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * KiB of the decoding budget a body takes besides its own bytes: its declared decompressed length; none for a
     * body the endpoint refuses before decompressing it (corrupt header, over the limit).
     */
    private int decodingKib(RequestBody.Bytes body) {
        long declared;
        try {
            declared = Snappy.declaredLength(body.bytes(), body.length());
        } catch (ProtocolException e) {
            return 0;
        }
        return declared > limits.maxDecodedBytes() ? 0 : kib(declared);
    }

    /** The answer to a request refused before its body is read, or null when it may go on. */
    private ProtocolResponse refusal(Route route, InboundRequest request) {
        if (!"POST".equals(request.method())) {
            return ProtocolResponse.text(405, "method " + request.method() + " not allowed: use POST")
                    .withHeader("Allow", "POST");
        }
        RequestHeaders headers = request.headers();
        if (present(headers.get(route.otherHeader)) && !present(headers.get(route.ownHeader))) {
            return ProtocolResponse.text(400, "the request to " + request.path() + " carries the " + route.otherHeader
                    + " header: send remote " + (route == Route.WRITE ? Route.READ.advice : Route.WRITE.advice));
        }
        String declared = headers.get("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                return ProtocolResponse.text(400, "invalid Content-Length: '" + declared + "'");
            }
            if (length > limits.maxBodyBytes()) {
                return ProtocolResponse.text(413, tooLarge(length, limits.maxBodyBytes()).getMessage());
            }
        }
        return null;
    }

    private ProtocolResponse failure(Route route, Throwable e) {
        ProtocolResponse response = StatusTable.forFailure(e);
        if (response.status() == 500) {
            LOG.log(Level.ERROR, "Unexpected failure handling a " + route.what + " request", e);
        }
        return response;
    }

    /** The route of a request, or null when it names no endpoint. */
    private static Route route(InboundRequest request) {
        if (WRITE_PATH.equals(request.path())) {
            return Route.WRITE;
        }
        if (READ_PATH.equals(request.path())) {
            return Route.READ;
        }
        if (request.path() == null) {
            if (present(request.headers().get(WRITE_VERSION_HEADER))) {
                return Route.WRITE;
            }
            if (present(request.headers().get(READ_VERSION_HEADER))) {
                return Route.READ;
            }
        }
        return null;
    }

    private static ProtocolResponse unrouted(InboundRequest request) {
        if (request.path() == null) {
            return ProtocolResponse.text(400, ErrorName.MISSING_HEADER.text() + ": the request has neither the "
                    + READ_VERSION_HEADER + " nor the " + WRITE_VERSION_HEADER + " header; Prometheus sends one of "
                    + "them with every remote read or write request");
        }
        return ProtocolResponse.text(404, "404 page not found: " + request.path());
    }

    /**
     * The endpoint path of an API Gateway route: routes may carry a stage or a base-path mapping before the
     * endpoint, so the last segment decides; the root route names no endpoint (null), so the version headers do.
     */
    public static String apiGatewayPath(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        String p = rawPath;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.equals("/")) {
            return null;
        }
        if (lower.endsWith(WRITE_PATH)) {
            return WRITE_PATH;
        }
        if (lower.endsWith(READ_PATH)) {
            return READ_PATH;
        }
        return rawPath;
    }

    /** A 413 naming the limit; what a body over the limit gets, whichever check finds it. */
    public static ProtocolException tooLarge(long length, int max) {
        return new ProtocolException(413, "request body of " + (length < 0 ? "more than " + max : length)
                + " bytes exceeds the limit of " + max + " bytes");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private void release() {
        metrics.inFlight(-1);
        admission.release();
    }

    private void answered(Route route, int status, long start, String message) {
        if (route == Route.WRITE) {
            metrics.write(status, System.nanoTime() - start);
        } else {
            metrics.read(status, System.nanoTime() - start);
        }
        if (status >= 300) {
            // 500 is a defect of the connector; every other answer is the client's or the store's condition
            Level level = status == 500 ? Level.ERROR : Level.WARNING;
            long suppressed = answerLog.acquire();
            if (suppressed >= 0 && LOG.isLoggable(level)) {
                LOG.log(level, route.what.substring(0, 1).toUpperCase(Locale.ROOT) + route.what.substring(1)
                        + " request answered " + status + ": " + message
                        + (suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : ""));
            }
        }
    }

    /** A SAMPLES response too large for the transport becomes a 400 that says how to narrow the query. */
    private static ProtocolResponse withinLimit(Route route, ProtocolResponse response, int max) {
        if (route == Route.READ && response.body().length > max) {
            return StatusTable.forFailure(RemoteReadEndpoint.responseTooLarge(max));
        }
        return response;
    }

    /**
     * A streamed answer whose metrics, log line and permit are settled when the stream ends: its status is only
     * known then (a failure before the first byte still becomes a status; after it, the stream is cut).
     */
    private ProtocolResponse counted(Route route, ProtocolResponse response, long start) {
        return ProtocolResponse.streamed(response.status(), response.headers(), out -> {
            int status = response.status();
            String message = "";
            try {
                response.writeBody(out);
            } catch (IOException e) {
                status = 499;
                message = "the client went away: " + e.getMessage();
                throw e;
            } catch (RuntimeException | Error e) {
                ProtocolResponse f = failure(route, e);
                status = f.status();
                message = f.bodyText();
                throw e;
            } finally {
                release();
                answered(route, status, start, message);
            }
        });
    }

    /** Bounds an output stream, for transports that return the whole response at once. */
    static OutputStream bounded(OutputStream out, int max) {
        if (max == Integer.MAX_VALUE) {
            return out;
        }
        return new OutputStream() {
            private long count;

            @Override
            public void write(int b) throws IOException {
                ensure(1);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ensure(len);
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            private void ensure(int more) {
                count += more;
                if (count > max) {
                    throw RemoteReadEndpoint.responseTooLarge(max);
                }
            }
        };
    }
}
