package io.tsconnector.adapters.protocol;

import io.tsconnector.adapters.protocol.chunks.StreamedReadEncoder;
import io.tsconnector.application.port.in.ReadSeriesUseCase;
import io.tsconnector.domain.SeriesQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound protocol logic of {@code POST /read}, shared by the HTTP server and the Lambda handler:
 * decode the ReadRequest, run each query through the use case, answer one result per query, as SAMPLES
 * or, when the client lists it first, as STREAMED_XOR_CHUNKS.
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
            byte[] message = Snappy.decompressBody(headers, body, length, limits.maxDecodedBytes(), "remote read requests");
            DecodedRead read = RemoteReadCodec.decodeRequest(message);
            if (read.prefersStreamedChunks()) {
                return streamed(read, start);
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

    /**
     * A STREAMED_XOR_CHUNKS answer: frames are written as series arrive, so memory does not grow with the
     * result. A failure before the first byte still becomes a status code (the adapter commits lazily);
     * a failure after it can only cut the stream, which the client detects by the missing frames.
     */
    private ProtocolResponse streamed(DecodedRead read, long start) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
        return ProtocolResponse.streamed(200, h, out -> {
            int status = 200;
            try {
                StreamedReadEncoder encoder = new StreamedReadEncoder(out);
                for (int i = 0; i < read.queries().size(); i++) {
                    int index = i;
                    useCase.read(read.queries().get(i), series -> {
                        try {
                            encoder.series(index, series);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
                encoder.flush();
            } catch (UncheckedIOException e) {
                status = 499;
                throw e.getCause();
            } catch (RuntimeException | Error e) {
                status = StatusTable.forFailure(e).status();
                LOG.log(status >= 500 ? Level.ERROR : Level.WARNING,
                        "Streamed remote read request failed (" + status + "): " + e.getMessage());
                throw e;
            } finally {
                metrics.read(status, System.nanoTime() - start);
            }
        });
    }
}
