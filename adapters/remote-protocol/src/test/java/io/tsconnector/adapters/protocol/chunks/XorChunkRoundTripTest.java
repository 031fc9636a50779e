package io.tsconnector.adapters.protocol.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class XorChunkRoundTripTest {
    private static final long T0 = 1795595298509L;
    private static final long STALE = 0x7ff0000000000002L;
    private static final long GO_NAN = 0x7ff8000000000001L;

    static Stream<Arguments> series() {
        Random random = new Random(42);
        return Stream.of(
                Arguments.of("constant", regular(120, i -> Double.doubleToRawLongBits(1.0))),
                Arguments.of("counter", regular(120, i -> Double.doubleToRawLongBits(i * 3.0))),
                Arguments.of("fractional counter", regular(120, i -> Double.doubleToRawLongBits(0.09 + i * 0.01))),
                Arguments.of("random floats", regular(120, i -> Double.doubleToRawLongBits(random.nextDouble() * 1e6 - 5e5))),
                Arguments.of("random bits", regular(120, i -> random.nextLong())),
                Arguments.of("go NaN", regular(10, i -> i % 2 == 0 ? GO_NAN : Double.doubleToRawLongBits(i))),
                Arguments.of("stale marker", regular(10, i -> i == 5 ? STALE : Double.doubleToRawLongBits(21.5))),
                Arguments.of("infinities", regular(6, i -> Double.doubleToRawLongBits(
                        i % 3 == 0 ? Double.POSITIVE_INFINITY : i % 3 == 1 ? Double.NEGATIVE_INFINITY : 0.0))),
                Arguments.of("signed zeros", regular(6, i -> Double.doubleToRawLongBits(i % 2 == 0 ? -0.0 : 0.0))),
                Arguments.of("extremes", regular(6, i -> Double.doubleToRawLongBits(switch (i) {
                    case 0 -> Double.MIN_VALUE;
                    case 1 -> Double.MAX_VALUE;
                    case 2 -> -Double.MAX_VALUE;
                    case 3 -> Double.MIN_NORMAL;
                    case 4 -> 1.0;
                    default -> -1.0;
                }))),
                Arguments.of("1 sample", regular(1, i -> Double.doubleToRawLongBits(7.0))),
                Arguments.of("2 samples", regular(2, i -> Double.doubleToRawLongBits(7.0 + i))),
                Arguments.of("120 samples", regular(120, i -> Double.doubleToRawLongBits(Math.sin(i)))),
                Arguments.of("dod bucket edges", new long[][] {dodTimestamps(), new long[dodTimestamps().length]}),
                Arguments.of("negative and extreme timestamps", new long[][] {
                        {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, -1000, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE},
                        new long[8]}),
                Arguments.of("backwards in time", new long[][] {{T0, T0 - 1, T0 - 1_000_000, T0 + 5, T0 + 5}, new long[5]}),
                Arguments.of("irregular jitter", jitter(new Random(7), 120)),
                Arguments.of("65535 samples", regular(XorChunkEncoder.MAX_SAMPLES, i -> Double.doubleToRawLongBits(i % 17))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("series")
    void decodesWhatItEncodedKeepingEveryBit(String name, long[][] series) {
        long[] ts = series[0];
        long[] bits = series[1];
        XorChunkEncoder encoder = new XorChunkEncoder();
        for (int i = 0; i < ts.length; i++) {
            encoder.appendBits(ts[i], bits[i]);
        }
        byte[] chunk = encoder.toByteArray();
        assertEquals(ts.length, ((chunk[0] & 0xff) << 8) | (chunk[1] & 0xff), "header count");

        XorChunkDecoder decoder = new XorChunkDecoder(chunk);
        assertEquals(ts.length, decoder.numSamples());
        for (int i = 0; i < ts.length; i++) {
            assertTrue(decoder.next(), "sample " + i);
            assertEquals(ts[i], decoder.timestamp(), "timestamp " + i);
            assertEquals(bits[i], decoder.valueBits(), "value bits " + i);
        }
        assertFalse(decoder.next());
        assertFalse(decoder.next(), "stays exhausted");

        // A reused encoder must produce the same bytes as a fresh one.
        encoder.reset();
        encoder.appendBits(1, 1);
        encoder.reset();
        for (int i = 0; i < ts.length; i++) {
            encoder.append(ts[i], Double.longBitsToDouble(bits[i]));
        }
        assertArrayEquals(chunk, encoder.toByteArray(), "reused encoder, append(double)");
    }

    @Test
    void emptyChunkIsTheTwoByteHeader() {
        XorChunkEncoder encoder = new XorChunkEncoder();
        assertArrayEquals(new byte[] {0, 0}, encoder.toByteArray());
        assertFalse(new XorChunkDecoder(encoder.toByteArray()).next());
    }

    @Test
    void oneSampleChunkEndsWithGoEmptyTrailingByte() {
        // Go's bstream.writeByte always appends the next byte, so Prometheus' chunk is
        // count(2) + varint(0)(1) + value(8) + empty byte(1).
        XorChunkEncoder encoder = new XorChunkEncoder();
        encoder.append(0, 1.0);
        assertArrayEquals(new byte[] {0, 1, 0, 0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0, 0}, encoder.toByteArray());
    }

    @Test
    void deltaOfDeltaBucketsHavePrometheusAsymmetricRanges() {
        for (int n : new int[] {14, 17, 20}) {
            long half = 1L << (n - 1);
            assertTrue(XorChunkEncoder.fits(half, n), n + " bits hold +2^(n-1)");
            assertFalse(XorChunkEncoder.fits(half + 1, n));
            assertTrue(XorChunkEncoder.fits(-(half - 1), n));
            assertFalse(XorChunkEncoder.fits(-half, n), n + " bits do not hold -2^(n-1)");
        }
        assertEquals("0", thirdSamplePrefix(0));
        assertEquals("10", thirdSamplePrefix(1 << 13));
        assertEquals("110", thirdSamplePrefix(-(1 << 13)));
        assertEquals("110", thirdSamplePrefix(1 << 16));
        assertEquals("1110", thirdSamplePrefix((1 << 16) + 1));
        assertEquals("1110", thirdSamplePrefix(1 << 19));
        assertEquals("1111", thirdSamplePrefix(-(1 << 19)));
    }

    @Test
    void refusesMoreSamplesThanTheHeaderCanCount() {
        XorChunkEncoder encoder = new XorChunkEncoder();
        for (int i = 0; i < XorChunkEncoder.MAX_SAMPLES; i++) {
            encoder.append(i, 0);
        }
        assertThrows(IllegalStateException.class, () -> encoder.append(1 << 20, 0));
    }

    /** The delta-of-delta prefix bits the third sample of a chunk gets for the given delta-of-delta. */
    private static String thirdSamplePrefix(long dod) {
        XorChunkEncoder encoder = new XorChunkEncoder();
        encoder.append(0, 1);
        encoder.append(1000, 1);
        encoder.append(2000 + dod, 1);
        byte[] chunk = encoder.toByteArray();
        // header 2 + varint(0) 1 + value 8 + uvarint(1000) 2 bytes, then the unchanged-value bit.
        int bit = (2 + 1 + 8 + 2) * 8 + 1;
        StringBuilder prefix = new StringBuilder();
        while (prefix.length() < 4) {
            boolean one = ((chunk[bit >>> 3] >>> (7 - (bit & 7))) & 1) != 0;
            prefix.append(one ? '1' : '0');
            bit++;
            if (!one) {
                break;
            }
        }
        return prefix.toString();
    }

    private static long[] dodTimestamps() {
        long[] dods = {0, 1, -1, 8191, 8192, 8193, -8191, -8192, -8193, 65535, 65536, 65537, -65535, -65536,
                -65537, 524287, 524288, 524289, -524287, -524288, -524289, 1L << 40, -(1L << 40), 0, 0};
        long[] ts = new long[dods.length + 2];
        ts[0] = T0;
        ts[1] = T0 + 1000;
        long delta = 1000;
        for (int i = 0; i < dods.length; i++) {
            delta += dods[i];
            ts[i + 2] = ts[i + 1] + delta;
        }
        return ts;
    }

    private static long[][] regular(int n, java.util.function.IntToLongFunction value) {
        long[] ts = new long[n];
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = T0 + 1000L * i;
            bits[i] = value.applyAsLong(i);
        }
        return new long[][] {ts, bits};
    }

    private static long[][] jitter(Random random, int n) {
        long[] ts = new long[n];
        long[] bits = new long[n];
        long t = T0;
        for (int i = 0; i < n; i++) {
            t += 15_000 + random.nextInt(2001) - 1000;
            ts[i] = t;
            bits[i] = Double.doubleToRawLongBits(random.nextGaussian());
        }
        return new long[][] {ts, bits};
    }
}
