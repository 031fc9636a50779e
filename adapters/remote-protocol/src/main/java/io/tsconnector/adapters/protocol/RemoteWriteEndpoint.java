package io.tsconnector.adapters.protocol;

import io.tsconnector.application.port.in.WriteCommand;
import io.tsconnector.application.port.in.WriteOutcome;
import io.tsconnector.application.port.in.WriteSeriesUseCase;
import java.util.Locale;

/**
 * Adapter: the protocol logic of {@code POST /write} behind the {@link InboundPipeline}: negotiate the message
 * (remote write 1.0 or 2.0), decompress within limits, decode, run the use case, answer by the status table.
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
    /** Label sets kept by default: enough for a large Prometheus' active series of one shard set. */
    public static final int DEFAULT_LABELS_CACHE_ENTRIES = 200_000;

    /** The two protobuf messages this endpoint accepts. */
    public enum Message {
        V1,
        V2
    }

    private final WriteSeriesUseCase useCase;
    private final ConnectorMetrics metrics;
    private final Limits limits;
    private final WriteRequestDecoder decoder;

    RemoteWriteEndpoint(WriteSeriesUseCase useCase, ConnectorMetrics metrics, Limits limits, int labelsCacheEntries) {
        if (labelsCacheEntries < 0) {
            throw new IllegalArgumentException("labels cache entries must not be negative: " + labelsCacheEntries);
        }
        this.useCase = useCase;
        this.metrics = metrics;
        this.limits = limits;
        this.decoder = new WriteRequestDecoder(labelsCacheEntries);
        if (decoder.cache() != null) {
            metrics.watchCache("remote_write_labels", decoder.cache());
        }
    }

    /** Handles one request whose body is the first {@code length} bytes of {@code body}; failures are thrown. */
    ProtocolResponse handle(RequestHeaders headers, byte[] body, int length) {
        Message message = negotiate(headers.get("Content-Type"));
        byte[] bytes = Snappy.decompressBody(headers, body, length, limits.maxDecodedBytes(), "remote write bodies");
        DecodedWrite decoded = message == Message.V2 ? RemoteWriteV2Codec.decode(bytes) : decoder.decode(bytes);
        metrics.received(decoded.samples());
        WriteOutcome outcome = useCase.write(new WriteCommand(decoded.series(), decoded.histograms(),
                decoded.exemplars()));
        metrics.ignored(outcome.ignored());
        return StatusTable.forWrite(outcome).withHeader(SAMPLES_WRITTEN, Long.toString(outcome.written()));
    }

    /** Sets the counts headers an answer lacks: an answer given before anything was written says 0. */
    static ProtocolResponse withWrittenCounts(ProtocolResponse response) {
        if (!response.headers().containsKey(SAMPLES_WRITTEN)) {
            response.withHeader(SAMPLES_WRITTEN, "0");
        }
        return response.withHeader(HISTOGRAMS_WRITTEN, "0").withHeader(EXEMPLARS_WRITTEN, "0");
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
        // the limit -1 keeps empty parts: "; proto=x" or ";" is an empty media type, not an index error
        String[] parts = contentType.split(";", -1);
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(MEDIA_TYPE)) {
            throw new ProtocolException(415, "unsupported Content-Type '" + contentType + "': expected " + MEDIA_TYPE
                    + " with proto=" + PROTO_V1 + " or proto=" + PROTO_V2);
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
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
