package io.tsconnector.adapters.timestream;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * One WriteRecords call: its records (a sample of a series each) and the attributes they all share, which go
 * into CommonAttributes once instead of into every record. Knows its metered size by Timestream's rule and
 * writes its request body as JSON, or as SDK model objects for clients that take the model.
 */
final class CallPlan {
    private static final byte[] DB = bytes("{\"DatabaseName\":");
    private static final byte[] TABLE = bytes(",\"TableName\":");
    private static final byte[] COMMON = bytes(",\"CommonAttributes\":{");
    private static final byte[] DIMENSIONS = bytes("\"Dimensions\":[");
    private static final byte[] MEASURE_NAME = bytes("\"MeasureName\":");
    private static final byte[] TYPE_AND_UNIT = bytes("\"MeasureValueType\":\"DOUBLE\",\"TimeUnit\":\"MILLISECONDS\"");
    private static final byte[] TIME = bytes("\"Time\":\"");
    private static final byte[] RECORDS = bytes("},\"Records\":[");
    private static final byte[] VALUE = bytes("\"MeasureValue\":\"");
    private static final byte[] END = bytes("]}");

    final TimeSeries[] series;
    final int[] sampleIndex;
    /**
     * Time and value of each record, copied while planning (on the request's thread, where the decoded samples
     * are in cache), so writing the body on a pool thread reads two arrays instead of three objects per record.
     */
    private final long[] times;
    private final double[] values;
    private final SeriesParts[] parts;
    private final boolean commonTime;
    private final boolean commonName;
    /** Positions, among the first record's dimensions, of those every record shares. */
    private final int[] commonDims;
    /** Names of the shared dimensions, in label (name) order. */
    private final String[] commonNames;
    private final int[] commonNameHash;
    private final int commonDimBytes;
    final long meteredBytes;

    private CallPlan(TimeSeries[] series, int[] sampleIndex, SeriesParts[] parts) {
        this.series = series;
        this.sampleIndex = sampleIndex;
        this.parts = parts;
        int k = series.length;
        this.times = new long[k];
        this.values = new double[k];
        for (int r = 0; r < k; r++) {
            Sample s = sample(r);
            times[r] = s.timestampMs();
            values[r] = s.value();
        }
        long t0 = times[0];
        boolean sameTime = true;
        boolean sameName = true;
        SeriesParts first = parts[0];
        int[] candidates = new int[first.dimensionCount()];
        int candidateCount = candidates.length;
        for (int i = 0; i < candidateCount; i++) {
            candidates[i] = i;
        }
        for (int r = 1; r < k; r++) {
            if (sameTime && times[r] != t0) {
                sameTime = false;
            }
            SeriesParts p = parts[r];
            if (p == parts[r - 1]) {
                continue;
            }
            if (sameName && p.nameId != first.nameId && !p.metricName.equals(first.metricName)) {
                sameName = false;
            }
            int kept = 0;
            for (int c = 0; c < candidateCount; c++) {
                int d = candidates[c];
                // series of one metric usually have the same label names: try the same position first
                boolean shared = d < p.dimensionCount() && (p.dimIds[d] == first.dimIds[d] || p.sameDimension(d, first, d))
                        || p.indexOf(first.dimNames[d], first.dimValues[d]) >= 0;
                if (shared) {
                    candidates[kept++] = d;
                }
            }
            candidateCount = kept;
        }
        this.commonTime = sameTime && k > 1;
        this.commonName = sameName && k > 1;
        this.commonDims = k > 1 ? java.util.Arrays.copyOf(candidates, candidateCount) : new int[0];
        this.commonNames = new String[commonDims.length];
        this.commonNameHash = new int[commonDims.length];
        int dimBytes = 0;
        for (int i = 0; i < commonDims.length; i++) {
            commonNames[i] = first.dimNames[commonDims[i]];
            commonNameHash[i] = first.dimNameHash[commonDims[i]];
            dimBytes += first.dimBytes[commonDims[i]];
        }
        this.commonDimBytes = dimBytes;
        long metered = (commonTime ? 8 : 0) + (commonName ? first.measureNameBytes : 0) + commonDimBytes;
        for (int r = 0; r < k; r++) {
            SeriesParts p = parts[r];
            metered += 8 + (commonTime ? 0 : 8) + (commonName ? 0 : p.measureNameBytes) + p.allDimBytes - commonDimBytes;
        }
        this.meteredBytes = metered;
    }

    static CallPlan of(List<TimeSeries> all, CallPlanner.Records recs, int from, int to) {
        int k = to - from;
        TimeSeries[] series = new TimeSeries[k];
        int[] samples = new int[k];
        SeriesParts[] parts = new SeriesParts[k];
        for (int i = 0; i < k; i++) {
            int r = from + i;
            series[i] = all.get(recs.series[r]);
            samples[i] = recs.sample[r];
            parts[i] = recs.parts(r);
        }
        return new CallPlan(series, samples, parts);
    }

    int size() {
        return series.length;
    }

    Sample sample(int r) {
        return series[r].samples().get(sampleIndex[r]);
    }

    /** Write units Timestream bills for this call: its metered size in whole KiB. */
    long writeUnits() {
        return (meteredBytes + 1023) / 1024;
    }

    /**
     * The WriteRecords request body (awsJson1_0), straight from the series.
     *
     * <p>A record's own dimensions are those not in CommonAttributes. Every record carries each shared dimension
     * (that is what shared means) and dimensions are in name order in both lists, so one walk over the record's
     * dimensions, advancing through the shared names on each match, separates them with one comparison each.
     */
    void writeJson(Destination destination, JsonBuffer out) {
        SeriesParts first = parts[0];
        out.write(DB).writeQuoted(destination.database()).write(TABLE).writeQuoted(destination.table()).write(COMMON);
        if (commonDims.length > 0) {
            out.write(DIMENSIONS);
            for (int i = 0; i < commonDims.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                int d = commonDims[i];
                out.write(first.dimsJson, first.dimAt[d], first.dimAt[d + 1] - 1);
            }
            out.write(']').write(',');
        }
        if (commonName) {
            out.write(MEASURE_NAME).write(first.measureNameJson).write(',');
        }
        if (commonTime) {
            out.write(TIME).writeLong(times[0]).write('"').write(',');
        }
        out.write(TYPE_AND_UNIT).write(RECORDS);
        for (int r = 0; r < series.length; r++) {
            SeriesParts p = parts[r];
            if (r > 0) {
                out.write(',');
            }
            out.write('{');
            boolean comma = false;
            if (p.dimensionCount() > commonDims.length) {
                out.write(DIMENSIONS);
                writeOwnDimensions(p, out);
                out.write(']');
                comma = true;
            }
            if (!commonName) {
                if (comma) {
                    out.write(',');
                }
                out.write(MEASURE_NAME).write(p.measureNameJson);
                comma = true;
            }
            if (comma) {
                out.write(',');
            }
            out.write(VALUE).writeDouble(values[r]).write('"');
            if (!commonTime) {
                out.write(',').write(TIME).writeLong(times[r]).write('"');
            }
            out.write('}');
        }
        out.write(END);
    }

    /** The record's dimensions that are not shared, as runs of consecutive dimensions copied in one piece. */
    private void writeOwnDimensions(SeriesParts p, JsonBuffer out) {
        int n = p.dimensionCount();
        int c = 0;
        int runStart = -1;
        boolean written = false;
        for (int d = 0; d <= n; d++) {
            boolean common = d < n && c < commonNames.length && p.named(d, commonNames[c], commonNameHash[c]);
            if (d < n && !common) {
                if (runStart < 0) {
                    runStart = d;
                }
                continue;
            }
            if (common) {
                c++;
            }
            if (runStart >= 0) {
                if (written) {
                    out.write(',');
                }
                out.write(p.dimsJson, p.dimAt[runStart], p.dimAt[d] - 1);
                written = true;
                runStart = -1;
            }
        }
    }

    /** The same call as SDK model objects. */
    WriteRecordsRequest modelRequest(Destination destination) {
        SeriesParts first = parts[0];
        Record.Builder common = Record.builder().measureValueType(MeasureValueType.DOUBLE)
                .timeUnit(software.amazon.awssdk.services.timestreamwrite.model.TimeUnit.MILLISECONDS);
        if (commonDims.length > 0) {
            List<Dimension> dims = new ArrayList<>(commonDims.length);
            for (int d : commonDims) {
                dims.add(first.model().get(d));
            }
            common.dimensions(dims);
        }
        if (commonName) {
            common.measureName(first.metricName);
        }
        if (commonTime) {
            common.time(Long.toString(sample(0).timestampMs()));
        }
        List<Record> records = new ArrayList<>(series.length);
        for (int r = 0; r < series.length; r++) {
            SeriesParts p = parts[r];
            Record.Builder b = Record.builder().measureValue(Double.toString(sample(r).value()));
            if (p.dimensionCount() > commonDims.length) {
                List<Dimension> dims = new ArrayList<>(p.dimensionCount() - commonDims.length);
                int c = 0;
                for (int d = 0; d < p.dimensionCount(); d++) {
                    if (c < commonNames.length && p.named(d, commonNames[c], commonNameHash[c])) {
                        c++;
                    } else {
                        dims.add(p.model().get(d));
                    }
                }
                b.dimensions(dims);
            }
            if (!commonName) {
                b.measureName(p.metricName);
            }
            if (!commonTime) {
                b.time(Long.toString(sample(r).timestampMs()));
            }
            records.add(b.build());
        }
        return WriteRecordsRequest.builder().databaseName(destination.database()).tableName(destination.table())
                .commonAttributes(common.build()).records(records).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
