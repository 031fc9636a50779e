package io.tsconnector.adapters.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.write.v2.Exemplar;
import io.tsconnector.proto.write.v2.Metadata;
import io.tsconnector.proto.write.v2.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * Codec: remote write 2.0 {@code io.prometheus.write.v2.Request} protobuf to domain series, enforcing the
 * symbol-table and label rules of the specification.
 *
 * <p>Every rule is checked for the whole request before anything is returned, so a request that breaks one
 * is refused (400) with nothing written. Start timestamps, in the 2.0-rc.3 position ({@code TimeSeries}
 * field 6) or the 2.0-rc.4 one ({@code Sample} field 3, {@code Histogram} field 17), are accepted and not
 * stored: a Timestream record holds one value at one time. Native histogram samples and exemplars are
 * counted, not converted; the write service reports them as never storable.
 */
public final class RemoteWriteV2Codec {
    private RemoteWriteV2Codec() {
    }

    /**
     * @throws ProtocolException 400 for a message that is not a valid 2.0 Request or breaks a symbol or label rule
     */
    public static DecodedWrite decode(byte[] message) {
        Request request;
        try {
            request = Request.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(400, "undecodable remote write 2.0 request (" + message.length
                    + " bytes): " + e.getMessage(), e);
        }
        SchemaCheck.requireWellTyped(request, "remote write 2.0 request");
        int symbolCount = request.getSymbolsCount();
        if (symbolCount > 0 && !request.getSymbols(0).isEmpty()) {
            throw ProtocolException.badRequest("invalid remote write 2.0 request: symbols[0] must be the empty string, got '"
                    + request.getSymbols(0) + "'");
        }
        List<TimeSeries> series = new ArrayList<>(request.getTimeseriesCount());
        long samples = 0;
        long histograms = 0;
        long exemplars = 0;
        int metadata = 0;
        String[] names = new String[16];
        String[] values = new String[16];
        for (int s = 0; s < request.getTimeseriesCount(); s++) {
            io.tsconnector.proto.write.v2.TimeSeries ts = request.getTimeseries(s);
            int refs = ts.getLabelsRefsCount();
            if (refs == 0) {
                throw ProtocolException.badRequest("invalid time series " + s + ": it has no labels");
            }
            if (refs % 2 != 0) {
                throw ProtocolException.badRequest("invalid time series " + s + ": labels_refs has odd length " + refs
                        + "; it must hold name and value references in pairs");
            }
            int n = refs / 2;
            if (names.length < n) {
                names = new String[n];
                values = new String[n];
            }
            for (int i = 0; i < n; i++) {
                names[i] = symbol(request, ts.getLabelsRefs(2 * i), "time series " + s + " labels_refs[" + (2 * i) + "]");
                values[i] = symbol(request, ts.getLabelsRefs(2 * i + 1), "time series " + s + " labels_refs["
                        + (2 * i + 1) + "]");
            }
            Labels labels = WriteRequestDecoder.labels(names, values, n, s);
            if (labels.metricName() == null) {
                throw ProtocolException.badRequest("invalid time series " + s + ": it has no " + Labels.METRIC_NAME
                        + " label (labels " + labels + ")");
            }
            if (ts.hasMetadata()) {
                Metadata m = ts.getMetadata();
                symbol(request, m.getHelpRef(), "time series " + s + " metadata help_ref");
                symbol(request, m.getUnitRef(), "time series " + s + " metadata unit_ref");
                if (m.getTypeValue() != 0 || m.getHelpRef() != 0 || m.getUnitRef() != 0) {
                    metadata++;
                }
            }
            for (int e = 0; e < ts.getExemplarsCount(); e++) {
                Exemplar exemplar = ts.getExemplars(e);
                String where = "time series " + s + " exemplar " + e;
                if (exemplar.getLabelsRefsCount() % 2 != 0) {
                    throw ProtocolException.badRequest("invalid " + where + ": labels_refs has odd length "
                            + exemplar.getLabelsRefsCount());
                }
                for (int i = 0; i < exemplar.getLabelsRefsCount(); i++) {
                    symbol(request, exemplar.getLabelsRefs(i), where + " labels_refs[" + i + "]");
                }
            }
            histograms += ts.getHistogramsCount();
            exemplars += ts.getExemplarsCount();
            int sampleCount = ts.getSamplesCount();
            if (sampleCount == 0) {
                continue;
            }
            Sample[] out = new Sample[sampleCount];
            for (int i = 0; i < sampleCount; i++) {
                io.tsconnector.proto.write.v2.Sample p = ts.getSamples(i);
                out[i] = new Sample(p.getTimestamp(), p.getValue());
            }
            samples += sampleCount;
            series.add(new TimeSeries(labels, List.of(out)));
        }
        return new DecodedWrite(series, samples, histograms, exemplars, metadata);
    }

    private static String symbol(Request request, int ref, String where) {
        // uint32 references arrive as Java ints; a reference of 2^31 or more reads as negative.
        if (ref < 0 || ref >= request.getSymbolsCount()) {
            throw ProtocolException.badRequest("invalid " + where + ": symbol reference " + Integer.toUnsignedString(ref)
                    + " is out of range (the request has " + request.getSymbolsCount() + " symbols)");
        }
        return request.getSymbols(ref);
    }
}
