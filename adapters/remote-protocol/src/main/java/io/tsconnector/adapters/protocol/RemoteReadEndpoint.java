package io.tsconnector.adapters.protocol;

import io.tsconnector.application.port.in.ReadSeriesUseCase;
import io.tsconnector.domain.SeriesQuery;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound protocol logic of {@code POST /read}, shared by the HTTP server and the Lambda handler:
 * decode the ReadRequest, run each query through the use case, answer one result per query.
 */
public final class RemoteReadEndpoint {
    private static final System.Logger LOG = System.getLogger(RemoteReadEndpoint.class.getName());

    private final ReadSeriesUseCase useCase;
    private final ConnectorMetrics metrics;
    private final Limits limits;

    public RemoteReadEndpoint(ReadSeriesUseCase useCase, ConnectorMetrics metrics, Limits limits) {
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
        try {
            String encoding = headers.get("Content-Encoding");
            if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("snappy")) {
                throw new ProtocolException(415, "unsupported Content-Encoding '" + encoding
                        + "': remote read requests must be snappy");
            }
            byte[] message = Snappy.decompress(body, length, limits.maxDecodedBytes());
            DecodedRead read = RemoteReadCodec.decodeRequest(message);
            if (!read.acceptsSamples()) {
                throw ProtocolException.badRequest("none of the accepted response types is supported: this server answers SAMPLES");
            }
            SamplesResponseEncoder encoder = new SamplesResponseEncoder(limits.maxReadSamples());
            for (SeriesQuery query : read.queries()) {
                useCase.read(query, encoder::series);
                encoder.endQuery();
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "application/x-protobuf");
            h.put("Content-Encoding", "snappy");
            response = ProtocolResponse.bytes(200, h, encoder.finish());
        } catch (RuntimeException | Error e) {
            response = StatusTable.forFailure(e);
            if (response.status() == 500) {
                LOG.log(Level.ERROR, "Unexpected failure handling a remote read request", e);
            }
        }
        if (response.status() >= 300) {
            LOG.log(response.status() >= 500 ? Level.ERROR : Level.WARNING,
                    "Remote read request answered " + response.status() + ": " + response.bodyText());
        }
        metrics.read(response.status(), System.nanoTime() - start);
        return response;
    }
}
