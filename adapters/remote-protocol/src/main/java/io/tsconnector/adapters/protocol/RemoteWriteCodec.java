package io.tsconnector.adapters.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.util.ArrayList;
import java.util.List;

/** Codec: remote write 1.0 {@code prometheus.WriteRequest} protobuf to domain series. */
public final class RemoteWriteCodec {
    /** Label sets kept for reuse across requests: enough for a large Prometheus' active series of one shard set. */
    private static final WriteRequestDecoder DECODER = new WriteRequestDecoder(200_000);

    private RemoteWriteCodec() {
    }

    /**
     * Decodes a remote write 1.0 request with the fast decoder.
     *
     * @throws ProtocolException 400 for a message that is not a valid WriteRequest or breaks label rules
     */
    public static DecodedWrite decodeV1(byte[] message) {
        return DECODER.decode(message);
    }

    /**
     * Decodes a remote write 1.0 request through the generated protobuf classes: the reference the fast
     * decoder is tested against.
     *
     * @throws ProtocolException 400 for a message that is not a valid WriteRequest or breaks label rules
     */
    public static DecodedWrite decodeV1Generated(byte[] message) {
        WriteRequest request;
        try {
            request = WriteRequest.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(400, "undecodable remote write request (" + message.length
                    + " bytes): " + e.getMessage(), e);
        }
        List<TimeSeries> series = new ArrayList<>(request.getTimeseriesCount());
        long samples = 0;
        long histograms = 0;
        long exemplars = 0;
        String[] names = new String[16];
        String[] values = new String[16];
        for (int s = 0; s < request.getTimeseriesCount(); s++) {
            io.tsconnector.proto.prometheus.TimeSeries ts = request.getTimeseries(s);
            histograms += ts.getHistogramsCount();
            exemplars += ts.getExemplarsCount();
            int sampleCount = ts.getSamplesCount();
            if (sampleCount == 0) {
                continue;
            }
            int n = ts.getLabelsCount();
            if (names.length < n) {
                names = new String[n];
                values = new String[n];
            }
            for (int i = 0; i < n; i++) {
                Label l = ts.getLabels(i);
                names[i] = l.getName();
                values[i] = l.getValue();
            }
            Labels labels;
            try {
                labels = Labels.fromArrays(names, values, n);
            } catch (IllegalArgumentException e) {
                throw ProtocolException.badRequest("invalid labels in time series " + s + ": " + e.getMessage());
            }
            Sample[] out = new Sample[sampleCount];
            for (int i = 0; i < sampleCount; i++) {
                io.tsconnector.proto.prometheus.Sample p = ts.getSamples(i);
                out[i] = new Sample(p.getTimestamp(), p.getValue());
            }
            samples += sampleCount;
            series.add(new TimeSeries(labels, List.of(out)));
        }
        return new DecodedWrite(series, samples, histograms, exemplars, request.getMetadataCount());
    }
}
