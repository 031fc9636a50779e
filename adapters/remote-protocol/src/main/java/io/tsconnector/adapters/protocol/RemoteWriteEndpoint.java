package io.tsconnector.adapters.protocol;

import io.tsconnector.application.port.in.WriteCommand;
import io.tsconnector.application.port.in.WriteOutcome;
import io.tsconnector.application.port.in.WriteSeriesUseCase;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Inbound protocol logic of {@code POST /write}, shared by the HTTP server and the Lambda handler:
 * negotiate the message (remote write 1.0 or 2.0), decompress within limits, decode, run the use case,
 * answer by the status table with the written-counts headers of remote write 2.0.
 *
 * <p>The counts headers are set on every answer, for both message types, whatever the status: they say
 * what was stored, which a 1.0 sender ignores and a 2.0 sender relies on. Native histogram samples and
 * exemplars are never stored (Timestream holds float samples), so their counts are always 0.
 */
public final class RemoteWriteEndpoint {
    /** Media type of both remote write messages. */
    public static final String MEDIA_TYPE = "application/x-protobuf";
    /** {@code proto} parameter value of remote write 1.0. */
    public static final String PROTO_V1 = "prometheus.WriteRequest";
    /** {@code proto} parameter value of remote write 2.0. */
    public static final String PROTO_V2 = "io.prometheus.write.v2.Request";
    public static final String SAMPLES_WRITTEN = "X-Prometheus-Remote-Write-Samples-Written";
    public static final String HISTOGRAMS_WRITTEN = "X-Prometheus-Remote-Write-Histograms-Written";
    public static final String EXEMPLARS_WRITTEN = "X-Prometheus-Remote-Write-Exemplars-Written";

    private static final System.Logger LOG = System.getLogger(RemoteWriteEndpoint.class.getName());

    /** The two protobuf messages this endpoint accepts. */
    public enum Message {
        V1,
        V2
    }

    private final WriteSeriesUseCase useCase;
    private final ConnectorMetrics metrics;
    private final Limits limits;

    public RemoteWriteEndpoint(WriteSeriesUseCase useCase, ConnectorMetrics metrics, Limits limits) {
        this.useCase = useCase;
        this.metrics = metrics;
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /** Handles one request whose body is the first {@code length} bytes of {@code body}. */
    public ProtocolResponse handle(RequestHeaders headers, byte[] body, int length) {
        long start = System.nanoTime();
        ProtocolResponse response;
        long written = 0;
        try {
            Message message = negotiate(headers.get("Content-Type"));
            byte[] bytes = Snappy.decompressBody(headers, body, length, limits.maxDecodedBytes(), "remote write bodies");
            DecodedWrite decoded = message == Message.V2 ? RemoteWriteV2Codec.decode(bytes) : RemoteWriteCodec.decodeV1(bytes);
            metrics.received(decoded.samples());
            WriteOutcome outcome = useCase.write(new WriteCommand(decoded.series(), decoded.histograms(),
                    decoded.exemplars()));
            written = outcome.written();
            metrics.ignored(outcome.ignored());
            response = StatusTable.forWrite(outcome);
        } catch (RuntimeException | Error e) {
            // A failure thrown before or instead of an outcome: the service throws only before it writes.
            response = StatusTable.forFailure(e);
            if (response.status() == 500) {
                LOG.log(Level.ERROR, "Unexpected failure handling a remote write request", e);
            }
        }
        if (response.status() >= 300) {
            LOG.log(response.status() >= 500 ? Level.ERROR : Level.WARNING,
                    "Remote write request answered " + response.status() + ": " + response.bodyText());
        }
        metrics.write(response.status(), System.nanoTime() - start);
        return withWrittenCounts(response, written);
    }

    /**
     * An answer given to a write request before it reached this endpoint (too large, overloaded, wrong
     * method): nothing was written, and the counts headers say so.
     */
    public ProtocolResponse refused(ProtocolResponse response) {
        return withWrittenCounts(response, 0);
    }

    private static ProtocolResponse withWrittenCounts(ProtocolResponse response, long samples) {
        return response.withHeader(SAMPLES_WRITTEN, Long.toString(samples))
                .withHeader(HISTOGRAMS_WRITTEN, "0")
                .withHeader(EXEMPLARS_WRITTEN, "0");
    }

    /**
     * The message a Content-Type names, as the 2.0 specification and Prometheus' receiver read it: no header
     * or no {@code proto} parameter is 1.0; the media type must be {@code application/x-protobuf}; media type
     * and parameter names are case-insensitive, the {@code proto} value (a protobuf full name) is not, and it
     * may be quoted (RFC 9110).
     *
     * @throws ProtocolException 415 for another media type, a malformed parameter or an unknown message
     */
    public static Message negotiate(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Message.V1;
        }
        String[] parts = contentType.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(MEDIA_TYPE)) {
            throw new ProtocolException(415, "unsupported Content-Type '" + contentType + "': expected " + MEDIA_TYPE
                    + " with proto=" + PROTO_V1 + " or proto=" + PROTO_V2);
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new ProtocolException(415, "unsupported Content-Type '" + contentType
                        + "': parameters must be name=value pairs, got '" + p + "'");
            }
            if (!p.substring(0, eq).trim().equalsIgnoreCase("proto")) {
                continue;
            }
            String proto = unquote(p.substring(eq + 1).trim());
            if (proto.equals(PROTO_V1)) {
                return Message.V1;
            }
            if (proto.equals(PROTO_V2)) {
                return Message.V2;
            }
            throw new ProtocolException(415, "unsupported remote write message '" + proto
                    + "': this endpoint accepts " + PROTO_V1 + " and " + PROTO_V2);
        }
        return Message.V1;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
