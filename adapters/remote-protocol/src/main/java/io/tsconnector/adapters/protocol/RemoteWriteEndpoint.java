package io.tsconnector.adapters.protocol;

import io.tsconnector.application.port.in.WriteCommand;
import io.tsconnector.application.port.in.WriteOutcome;
import io.tsconnector.application.port.in.WriteSeriesUseCase;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Inbound protocol logic of {@code POST /write}, shared by the HTTP server and the Lambda handler:
 * negotiate, decompress within limits, decode, run the use case, answer by the status table.
 */
public final class RemoteWriteEndpoint {
    private static final System.Logger LOG = System.getLogger(RemoteWriteEndpoint.class.getName());

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
        try {
            checkEncoding(headers);
            checkContentType(headers);
            byte[] message = Snappy.decompress(body, length, limits.maxDecodedBytes());
            DecodedWrite decoded = RemoteWriteCodec.decodeV1(message);
            metrics.received(decoded.samples());
            WriteOutcome outcome = useCase.write(new WriteCommand(decoded.series(), decoded.histograms(),
                    decoded.exemplars()));
            metrics.ignored(outcome.ignored());
            response = StatusTable.forWrite(outcome);
        } catch (RuntimeException | Error e) {
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
        return response;
    }

    private static void checkEncoding(RequestHeaders headers) {
        String encoding = headers.get("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("snappy")) {
            throw new ProtocolException(415, "unsupported Content-Encoding '" + encoding + "': remote write bodies must be snappy");
        }
    }

    private static void checkContentType(RequestHeaders headers) {
        String type = headers.get("Content-Type");
        if (type == null || type.isBlank()) {
            return;
        }
        String[] parts = type.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/x-protobuf")) {
            throw new ProtocolException(415, "unsupported Content-Type '" + type + "': expected application/x-protobuf");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("proto=")) {
                String proto = p.substring("proto=".length()).trim();
                if (!proto.equals("prometheus.WriteRequest")) {
                    throw new ProtocolException(415, "unsupported remote write message '" + proto
                            + "': this endpoint accepts prometheus.WriteRequest");
                }
            }
        }
    }
}
