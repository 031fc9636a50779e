package io.tsconnector.adapters.protocol.chunks;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tsconnector.proto.prometheus.Chunk;
import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import io.tsconnector.proto.prometheus.ChunkedSeries;
import io.tsconnector.proto.prometheus.Label;
import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.prometheus.Sample;
import io.tsconnector.proto.prometheus.TimeSeries;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden test against chunks produced by Prometheus 2.42 (captures/rr-streamed-response* in connector-proto). */
class XorChunkGoldenTest {
    private static final int FRAMES = 4;

    @Test
    void decodesEveryFixtureChunkToTheSamplesResponseAndReencodesItByteForByte() throws Exception {
        ReadResponse expected = ReadResponse.parseFrom(Captures.read("rr-samples-response.pb"));
        int[] nextSeries = new int[expected.getResultsCount()];
        int chunks = 0;
        int samples = 0;
        for (int f = 0; f < FRAMES; f++) {
            ChunkedReadResponse frame = ChunkedReadResponse.parseFrom(Captures.read("rr-streamed-response.frame-" + f + ".pb"));
            assertEquals(1, frame.getChunkedSeriesCount(), "one series per frame");
            int query = (int) frame.getQueryIndex();
            ChunkedSeries series = frame.getChunkedSeries(0);
            TimeSeries want = expected.getResults(query).getTimeseries(nextSeries[query]++);
            assertEquals(labels(want.getLabelsList()), labels(series.getLabelsList()), "frame " + f);

            XorChunkDecoder decoder = new XorChunkDecoder();
            XorChunkEncoder encoder = new XorChunkEncoder();
            int i = 0;
            for (Chunk chunk : series.getChunksList()) {
                assertEquals(Chunk.Encoding.XOR, chunk.getType());
                byte[] data = chunk.getData().toByteArray();
                decoder.reset(data, 0, data.length);
                encoder.reset();
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                while (decoder.next()) {
                    Sample s = want.getSamples(i++);
                    String where = "frame " + f + " sample " + (i - 1);
                    assertEquals(s.getTimestamp(), decoder.timestamp(), where);
                    assertEquals(Double.doubleToRawLongBits(s.getValue()), decoder.valueBits(), where);
                    encoder.appendBits(decoder.timestamp(), decoder.valueBits());
                    min = Math.min(min, decoder.timestamp());
                    max = Math.max(max, decoder.timestamp());
                }
                assertEquals(chunk.getMinTimeMs(), min);
                assertEquals(chunk.getMaxTimeMs(), max);
                assertArrayEquals(data, encoder.toByteArray(), "re-encoded chunk of frame " + f);
                chunks++;
                samples += encoder.numSamples();
            }
            assertEquals(want.getSamplesCount(), i, "samples of frame " + f);
        }
        for (int q = 0; q < nextSeries.length; q++) {
            assertEquals(expected.getResults(q).getTimeseriesCount(), nextSeries[q], "series of query " + q);
        }
        assertEquals(12, chunks);
        assertEquals(1188, samples);
    }

    @Test
    void framedBodyHoldsTheFrameFixtures() throws Exception {
        ChunkedFrameReader reader = new ChunkedFrameReader(
                new ByteArrayInputStream(Captures.read("rr-streamed-response.bin")), 1 << 20);
        for (int f = 0; f < FRAMES; f++) {
            assertArrayEquals(Captures.read("rr-streamed-response.frame-" + f + ".pb"), reader.nextFrame(), "frame " + f);
        }
        assertNull(reader.nextFrame(), "no fifth frame");
    }

    private static List<String> labels(List<Label> labels) {
        return labels.stream().map(l -> l.getName() + "=" + l.getValue()).toList();
    }
}
