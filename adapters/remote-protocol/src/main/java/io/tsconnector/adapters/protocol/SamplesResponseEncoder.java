package io.tsconnector.adapters.protocol;

import com.google.protobuf.CodedOutputStream;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Codec: builds a SAMPLES {@code prometheus.ReadResponse} series by series as they arrive, so the
 * response is held once, in wire form, instead of as objects plus a serialized copy.
 *
 * <pre>
 * message ReadResponse { repeated QueryResult results = 1; }
 * message QueryResult  { repeated TimeSeries timeseries = 1; }
 * message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * message Label        { string name = 1; string value = 2; }
 * message Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 */
public final class SamplesResponseEncoder {
    private final long maxSamples;
    private final Buffer response = new Buffer(1 << 12);
    private final Buffer query = new Buffer(1 << 12);
    private long samples;
    private long querySamples;
    /** Per closed query result: its offset in the response (header included), its length, its samples. */
    private int[] resultOffsets = new int[4];
    private int[] resultLengths = new int[4];
    private long[] resultSamples = new long[4];
    private int results;

    public SamplesResponseEncoder(long maxSamples) {
        this.maxSamples = maxSamples;
    }

    /** Adds a series to the current query result. */
    public void series(TimeSeries series) {
        count(series.samples().size());
        querySamples += series.samples().size();
        Labels labels = series.labels();
        int size = 0;
        int[] labelSizes = new int[labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            int l = CodedOutputStream.computeStringSize(1, labels.name(i))
                    + CodedOutputStream.computeStringSize(2, labels.value(i));
            labelSizes[i] = l;
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(l) + l;
        }
        for (Sample s : series.samples()) {
            int l = sampleSize(s);
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(l) + l;
        }
        int total = 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        CodedOutputStream out = query.reserve(total);
        try {
            out.writeTag(1, 2);
            out.writeUInt32NoTag(size);
            for (int i = 0; i < labels.size(); i++) {
                out.writeTag(1, 2);
                out.writeUInt32NoTag(labelSizes[i]);
                out.writeString(1, labels.name(i));
                out.writeString(2, labels.value(i));
            }
            for (Sample s : series.samples()) {
                out.writeTag(2, 2);
                out.writeUInt32NoTag(sampleSize(s));
                if (Double.doubleToRawLongBits(s.value()) != 0) {
                    out.writeDouble(1, s.value());
                }
                if (s.timestampMs() != 0) {
                    out.writeInt64(2, s.timestampMs());
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        query.commit(total);
    }

    private void count(long more) {
        samples += more;
        if (samples > maxSamples) {
            throw ProtocolException.badRequest("the read response exceeds the limit of " + maxSamples
                    + " samples; narrow the query or its time range");
        }
    }

    private static int sampleSize(Sample s) {
        int n = 0;
        if (Double.doubleToRawLongBits(s.value()) != 0) {
            n += 9;
        }
        if (s.timestampMs() != 0) {
            n += CodedOutputStream.computeInt64Size(2, s.timestampMs());
        }
        return n;
    }

    /** Closes the current query's result; call once per query, in request order. */
    public void endQuery() {
        int header = 1 + CodedOutputStream.computeUInt32SizeNoTag(query.size);
        CodedOutputStream out = response.reserve(header);
        try {
            out.writeTag(1, 2);
            out.writeUInt32NoTag(query.size);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = response.size;
        response.commit(header);
        response.append(query.bytes, query.size);
        remember(start, response.size - start, querySamples);
        query.size = 0;
        querySamples = 0;
    }

    /**
     * Closes the next query's result as a copy of the result of query {@code earlier} (0-based, already closed):
     * for a request that repeats a query, which then costs the store nothing more. Its samples count again.
     */
    public void repeatQuery(int earlier) {
        if (earlier < 0 || earlier >= results || query.size != 0) {
            throw new IllegalStateException("query " + earlier + " is not a closed result");
        }
        count(resultSamples[earlier]);
        int start = response.size;
        response.appendOwn(resultOffsets[earlier], resultLengths[earlier]);
        remember(start, resultLengths[earlier], resultSamples[earlier]);
    }

    private void remember(int offset, int length, long resultSamplesCount) {
        if (results == resultOffsets.length) {
            resultOffsets = Arrays.copyOf(resultOffsets, results * 2);
            resultLengths = Arrays.copyOf(resultLengths, results * 2);
            resultSamples = Arrays.copyOf(resultSamples, results * 2);
        }
        resultOffsets[results] = offset;
        resultLengths[results] = length;
        resultSamples[results] = resultSamplesCount;
        results++;
    }

    /** The snappy-compressed response. */
    public byte[] finish() {
        return Snappy.compress(Arrays.copyOf(response.bytes, response.size));
    }

    /** Growable byte array that hands out CodedOutputStreams over its free space. */
    private static final class Buffer {
        private byte[] bytes;
        private int size;

        Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        CodedOutputStream reserve(int n) {
            ensure(n);
            return CodedOutputStream.newInstance(bytes, size, n);
        }

        void commit(int n) {
            size += n;
        }

        void append(byte[] b, int n) {
            ensure(n);
            System.arraycopy(b, 0, bytes, size, n);
            size += n;
        }

        /** Appends a copy of its own bytes {@code [from, from + n)}. */
        void appendOwn(int from, int n) {
            ensure(n);
            System.arraycopy(bytes, from, bytes, size, n);
            size += n;
        }

        private void ensure(int n) {
            long need = (long) size + n;
            if (need > bytes.length) {
                if (need > Integer.MAX_VALUE - 16) {
                    throw ProtocolException.badRequest("the read response would exceed 2 GiB");
                }
                bytes = Arrays.copyOf(bytes, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16L, bytes.length * 2L)));
            }
        }
    }
}
