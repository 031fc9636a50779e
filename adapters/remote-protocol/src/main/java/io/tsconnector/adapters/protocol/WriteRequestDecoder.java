package io.tsconnector.adapters.protocol;

import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Codec: decodes a remote write 1.0 {@code WriteRequest} straight into domain series, without the
 * generated message objects, and reuses the {@link Labels} of series seen before by their wire bytes.
 *
 * <p>Prometheus sends every sample as its own {@code TimeSeries} entry with the full label set, and the
 * same series in every request, so most of the decoding work is the same label bytes again and again. The
 * label bytes of an entry are looked up in a bounded cache; only a miss decodes and validates the strings.
 * {@code WriteRequestDecoderTest} checks it against the generated decoder on the captures and on mutated input.
 *
 * <pre>
 * message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
 * message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2;
 *                        repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 * message Label        { string name = 1; string value = 2; }
 * message Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 */
public final class WriteRequestDecoder {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_START_GROUP = 3;
    private static final int WIRE_END_GROUP = 4;
    private static final int WIRE_FIXED32 = 5;

    private final LabelsCache cache;

    /** @param cacheEntries label sets kept for reuse (0 disables the cache) */
    public WriteRequestDecoder(int cacheEntries) {
        this.cache = cacheEntries > 0 ? new LabelsCache(Math.max(2, cacheEntries)) : null;
    }

    /** The decoder's labels cache, or null when it has none. */
    LabelsCache cache() {
        return cache;
    }

    /** @throws ProtocolException 400 for anything that is not a valid WriteRequest */
    public DecodedWrite decode(byte[] buf) {
        return decode(buf, 0, buf.length);
    }

    public DecodedWrite decode(byte[] buf, int off, int len) {
        Reader r = new Reader(buf, off, off + len);
        List<TimeSeries> series = new ArrayList<>();
        long samples = 0;
        long histograms = 0;
        long exemplars = 0;
        int metadata = 0;
        Scratch scratch = new Scratch();
        scratch.reader.buf = buf;
        int index = 0;
        while (r.pos < r.end) {
            int tag = r.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (field == 1 && wire == WIRE_LEN) {
                int n = r.length();
                int start = r.pos;
                r.pos += n;
                Entry e = timeSeries(buf, start, start + n, scratch, index);
                histograms += e.histograms;
                exemplars += e.exemplars;
                if (e.series != null) {
                    series.add(e.series);
                    samples += e.series.samples().size();
                }
                index++;
            } else if (field == 3 && wire == WIRE_LEN) {
                int n = r.length();
                r.pos += n;
                metadata++;
            } else {
                r.skipUnknown(field, wire, field <= 3 && field != 2, WIRE_LEN, "WriteRequest");
            }
        }
        return new DecodedWrite(series, samples, histograms, exemplars, metadata);
    }

    private record Entry(TimeSeries series, long histograms, long exemplars) {
    }

    /** Reusable buffers for one request. */
    private static final class Scratch {
        final Reader reader = new Reader(null, 0, 0);
        final Reader inner = new Reader(null, 0, 0);
        String[] names = new String[16];
        String[] values = new String[16];
        long[] times = new long[4];
        long[] bits = new long[4];

        /** Decodes the Sample message at [start, end) into slot i. */
        void sample(int i, byte[] buf, int start, int end) {
            if (i == times.length) {
                times = Arrays.copyOf(times, i * 2);
                bits = Arrays.copyOf(bits, i * 2);
            }
            Reader r = inner;
            r.buf = buf;
            r.pos = start;
            r.end = end;
            long b = 0;
            long timestamp = 0;
            while (r.pos < end) {
                int tag = r.tag();
                int field = tag >>> 3;
                int wire = tag & 7;
                if (field == 1 && wire == WIRE_FIXED64) {
                    b = r.fixed64();
                } else if (field == 2 && wire == WIRE_VARINT) {
                    timestamp = r.varint();
                } else {
                    r.skipUnknown(field, wire, field <= 2, field == 1 ? WIRE_FIXED64 : WIRE_VARINT, "Sample");
                }
            }
            times[i] = timestamp;
            bits[i] = b;
        }
    }

    private Entry timeSeries(byte[] buf, int start, int end, Scratch scratch, int index) {
        Reader r = scratch.reader;
        r.pos = start;
        r.end = end;
        int labelsStart = -1;
        int labelsEnd = -1;
        boolean contiguous = true;
        int labelCount = 0;
        int sampleCount = 0;
        long histograms = 0;
        long exemplars = 0;
        while (r.pos < end) {
            int fieldStart = r.pos;
            int tag = r.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (wire == WIRE_LEN && field >= 1 && field <= 4) {
                int n = r.length();
                int at = r.pos;
                r.pos += n;
                switch (field) {
                    case 1 -> {
                        if (labelsStart < 0) {
                            labelsStart = fieldStart;
                        } else if (fieldStart != labelsEnd) {
                            contiguous = false;
                        }
                        labelsEnd = r.pos;
                        labelCount++;
                    }
                    case 2 -> {
                        scratch.sample(sampleCount++, buf, at, at + n);
                        r.end = end;
                    }
                    case 3 -> exemplars++;
                    default -> histograms++;
                }
            } else {
                r.skipUnknown(field, wire, field <= 4, WIRE_LEN, "TimeSeries");
            }
        }
        if (sampleCount == 0) {
            return new Entry(null, histograms, exemplars);
        }
        Labels labels = null;
        boolean cacheable = cache != null && contiguous && labelCount > 0;
        if (cacheable) {
            labels = cache.get(buf, labelsStart, labelsEnd);
        }
        if (labels == null) {
            labels = decodeLabels(buf, start, end, labelCount, scratch, index);
            if (cacheable) {
                labels = cache.put(buf, labelsStart, labelsEnd, labels);
            }
        }
        List<Sample> samples;
        if (sampleCount == 1) {
            // the usual case: Prometheus sends one sample per entry; List.of(e) copies no array
            samples = List.of(new Sample(scratch.times[0], Double.longBitsToDouble(scratch.bits[0])));
        } else {
            Sample[] out = new Sample[sampleCount];
            for (int i = 0; i < sampleCount; i++) {
                out[i] = new Sample(scratch.times[i], Double.longBitsToDouble(scratch.bits[i]));
            }
            samples = List.of(out);
        }
        return new Entry(new TimeSeries(labels, samples), histograms, exemplars);
    }

    private static Labels decodeLabels(byte[] buf, int start, int end, int count, Scratch scratch, int index) {
        if (scratch.names.length < count) {
            scratch.names = new String[count];
            scratch.values = new String[count];
        }
        String[] names = scratch.names;
        String[] values = scratch.values;
        Reader r = new Reader(buf, start, end);
        int i = 0;
        while (r.pos < r.end) {
            int tag = r.tag();
            int wire = tag & 7;
            if (tag >>> 3 == 1 && wire == WIRE_LEN) {
                int n = r.length();
                Reader l = new Reader(buf, r.pos, r.pos + n);
                r.pos += n;
                String name = "";
                String value = "";
                while (l.pos < l.end) {
                    int t = l.tag();
                    int w = t & 7;
                    int f = t >>> 3;
                    if ((f == 1 || f == 2) && w == WIRE_LEN) {
                        int sl = l.length();
                        String str = string(buf, l.pos, sl);
                        l.pos += sl;
                        if (f == 1) {
                            name = str;
                        } else {
                            value = str;
                        }
                    } else {
                        l.skipUnknown(f, w, f <= 2, WIRE_LEN, "Label");
                    }
                }
                names[i] = name;
                values[i] = value;
                i++;
            } else {
                r.skipUnknown(tag >>> 3, wire, false, WIRE_LEN, "TimeSeries");
            }
        }
        return labels(names, values, count, index);
    }

    /** The labels of time series {@code index} of a request; a 400 for duplicate or empty names. */
    static Labels labels(String[] names, String[] values, int count, int index) {
        try {
            return Labels.fromArrays(names, values, count);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest("invalid labels in time series " + index + ": " + e.getMessage());
        }
    }

    /** Decodes UTF-8 strictly, as protobuf-java does for proto3 strings: invalid UTF-8 is a 400. */
    private static String string(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (buf[i] < 0) {
                try {
                    CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(buf, off, len));
                    return chars.toString();
                } catch (CharacterCodingException e) {
                    throw ProtocolException.badRequest("label name or value is not valid UTF-8");
                }
            }
        }
        return new String(buf, off, len, StandardCharsets.ISO_8859_1);
    }

    /** Bounds-checked protobuf wire reader over a slice. */
    private static final class Reader {
        byte[] buf;
        int pos;
        int end;

        Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        int tag() {
            long t = varint();
            if (t <= 0 || t > 0xffffffffL || (t >>> 3) == 0) {
                throw truncated("invalid field tag " + t);
            }
            return (int) t;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw truncated("truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw truncated("malformed varint");
        }

        int length() {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw truncated("length " + n + " runs past the end of the message");
            }
            return (int) n;
        }

        long fixed64() {
            if (end - pos < 8) {
                throw truncated("truncated fixed64");
            }
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (buf[pos + i] & 0xffL);
            }
            pos += 8;
            return v;
        }

        /**
         * Skips a field this decoder does not read. A known field with another wire type than the schema's is
         * not an unknown field but a different message: Prometheus' decoder (gogo protobuf) refuses it, and so
         * does this one, instead of acknowledging a body that is not a remote-write request.
         */
        void skipUnknown(int field, int wire, boolean known, int expectedWire, String message) {
            if (known) {
                throw truncated("field " + field + " of " + message + " has wire type " + wire + ", the schema says "
                        + expectedWire);
            }
            skip(wire);
        }

        void skip(int wire) {
            switch (wire) {
                case WIRE_VARINT -> varint();
                case WIRE_FIXED64 -> {
                    if (end - pos < 8) {
                        throw truncated("truncated fixed64");
                    }
                    pos += 8;
                }
                case WIRE_LEN -> {
                    int n = length();
                    pos += n;
                }
                case WIRE_FIXED32 -> {
                    if (end - pos < 4) {
                        throw truncated("truncated fixed32");
                    }
                    pos += 4;
                }
                case WIRE_START_GROUP -> skipGroup();
                default -> throw truncated("unexpected wire type " + wire);
            }
        }

        /** Skips a (deprecated) group, as protobuf parsers do for unknown fields; nesting is bounded. */
        private void skipGroup() {
            int depth = 1;
            while (depth > 0) {
                if (pos >= end) {
                    throw truncated("unterminated group");
                }
                int tag = tag();
                int wire = tag & 7;
                if (wire == WIRE_START_GROUP) {
                    if (++depth > 100) {
                        throw truncated("groups nested too deeply");
                    }
                } else if (wire == WIRE_END_GROUP) {
                    depth--;
                } else {
                    skip(wire);
                }
            }
        }

        private ProtocolException truncated(String what) {
            return ProtocolException.badRequest("undecodable remote write request: " + what + " at byte " + pos);
        }
    }
}
