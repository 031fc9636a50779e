package io.tsconnector.adapters.protocol;

import io.tsconnector.adapters.protocol.chunks.StreamedReadEncoder;
import io.tsconnector.application.ReadDeadline;
import io.tsconnector.application.port.in.ReadSeriesUseCase;
import io.tsconnector.domain.SeriesQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound protocol logic of {@code POST /read} behind the {@link InboundPipeline}: decode the ReadRequest, run
 * each query through the use case, answer one result per query, as SAMPLES or, when the client lists it first,
 * as STREAMED_XOR_CHUNKS. A SAMPLES request that repeats a query reads it once.
 */
final class RemoteReadEndpoint {
    private final ReadSeriesUseCase useCase;
    private final Limits limits;

    RemoteReadEndpoint(ReadSeriesUseCase useCase, Limits limits) {
        this.useCase = useCase;
        this.limits = limits;
    }

    /** Handles one request whose body is the first {@code length} bytes of {@code body}; failures are thrown. */
    ProtocolResponse handle(RequestHeaders headers, byte[] body, int length, int maxResponseBytes) {
        byte[] message = Snappy.decompressBody(headers, body, length, limits.maxDecodedBytes(), "remote read requests");
        DecodedRead read = RemoteReadCodec.decodeRequest(message, limits.maxMatcherBytes());
        // one deadline for the whole request, all its queries: what the client waits for
        ReadDeadline deadline = ReadDeadline.after(limits.readTimeout());
        if (read.prefersStreamedChunks()) {
            return streamed(read, deadline, maxResponseBytes);
        }
        SamplesResponseEncoder encoder = new SamplesResponseEncoder(limits.maxReadSamples());
        // a query repeated in one request is answered from its first result: a small request naming the same
        // query many times must not multiply the work of the store (the answer is held in memory anyway)
        Map<SeriesQuery, Integer> firstOf = new HashMap<>();
        for (int i = 0; i < read.queries().size(); i++) {
            SeriesQuery query = read.queries().get(i);
            Integer earlier = firstOf.putIfAbsent(query, i);
            if (earlier != null) {
                encoder.repeatQuery(earlier);
                continue;
            }
            useCase.read(query, deadline, encoder::series);
            encoder.endQuery();
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-protobuf");
        h.put("Content-Encoding", "snappy");
        return ProtocolResponse.bytes(200, h, encoder.finish());
    }

    /**
     * A STREAMED_XOR_CHUNKS answer: frames are written as series arrive, so memory does not grow with the
     * result. A failure before the first byte still becomes a status code (the transport commits lazily);
     * a failure after it can only cut the stream, which the client detects by the missing frames.
     */
    private ProtocolResponse streamed(DecodedRead read, ReadDeadline deadline, int maxResponseBytes) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
        return ProtocolResponse.streamed(200, h, out -> {
            StreamedReadEncoder encoder = new StreamedReadEncoder(InboundPipeline.bounded(out, maxResponseBytes));
            try {
                for (int i = 0; i < read.queries().size(); i++) {
                    int index = i;
                    useCase.read(read.queries().get(i), deadline, series -> {
                        try {
                            encoder.series(index, series);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            encoder.flush();
        });
    }

    /** A 400 for a read result larger than the transport can return. */
    static ProtocolException responseTooLarge(int max) {
        return ProtocolException.badRequest("the read response exceeds " + max
                + " bytes, the most this transport can return (a Lambda function: 6 MiB including base64): "
                + "narrow the query's time range or matchers");
    }
}
