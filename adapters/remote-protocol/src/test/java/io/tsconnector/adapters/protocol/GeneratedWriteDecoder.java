package io.tsconnector.adapters.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@link WriteRequestDecoder} is tested against: the generated protobuf classes, plus the check
 * protobuf-java leaves out and Prometheus' decoder makes, that a known field of WriteRequest, TimeSeries, Label
 * or Sample has the wire type of the schema (protobuf-java keeps such a field as an unknown one).
 */
final class GeneratedWriteDecoder {
    private GeneratedWriteDecoder() {
    }

    static DecodedWrite decode(byte[] message) {
        WriteRequest request;
        try {
            request = WriteRequest.parseFrom(message);
            checkWireTypes(CodedInputStream.newInstance(message), Level.WRITE_REQUEST);
        } catch (IOException e) {
            throw new ProtocolException(400, "undecodable remote write request (" + message.length
                    + " bytes): " + e.getMessage(), e);
        }
        List<TimeSeries> series = new ArrayList<>(request.getTimeseriesCount());
        long samples = 0;
        long histograms = 0;
        long exemplars = 0;
        for (int s = 0; s < request.getTimeseriesCount(); s++) {
            io.tsconnector.proto.prometheus.TimeSeries ts = request.getTimeseries(s);
            histograms += ts.getHistogramsCount();
            exemplars += ts.getExemplarsCount();
            int sampleCount = ts.getSamplesCount();
            if (sampleCount == 0) {
                continue;
            }
            int n = ts.getLabelsCount();
            String[] names = new String[n];
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                Label l = ts.getLabels(i);
                names[i] = l.getName();
                values[i] = l.getValue();
            }
            Labels labels = WriteRequestDecoder.labels(names, values, n, s);
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

    /** The messages whose known fields are checked, and the wire type of each known field. */
    private enum Level {
        WRITE_REQUEST, TIME_SERIES, LABEL, SAMPLE;

        /** Wire type of the field, or -1 for a field this level does not know. */
        int wireType(int field) {
            return switch (this) {
                case WRITE_REQUEST -> field == 1 || field == 3 ? WireFormat.WIRETYPE_LENGTH_DELIMITED : -1;
                case TIME_SERIES -> field >= 1 && field <= 4 ? WireFormat.WIRETYPE_LENGTH_DELIMITED : -1;
                case LABEL -> field == 1 || field == 2 ? WireFormat.WIRETYPE_LENGTH_DELIMITED : -1;
                case SAMPLE -> field == 1 ? WireFormat.WIRETYPE_FIXED64 : field == 2 ? WireFormat.WIRETYPE_VARINT : -1;
            };
        }

        /** The level a length-delimited field leads into, or null when it is not checked further. */
        Level child(int field) {
            return switch (this) {
                case WRITE_REQUEST -> field == 1 ? TIME_SERIES : null;
                case TIME_SERIES -> field == 1 ? LABEL : field == 2 ? SAMPLE : null;
                default -> null;
            };
        }
    }

    private static void checkWireTypes(CodedInputStream in, Level level) throws IOException {
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            int expected = level.wireType(field);
            if (expected >= 0 && expected != wire) {
                throw new InvalidProtocolBufferException("field " + field + " of " + level + " has wire type " + wire);
            }
            Level child = level.child(field);
            if (child != null) {
                int limit = in.pushLimit(in.readRawVarint32());
                checkWireTypes(in, child);
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }
}
