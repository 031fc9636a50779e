package io.tsconnector.adapters.protocol.chunks;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.domain.Label;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.Chunk;
import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import io.tsconnector.proto.prometheus.ChunkedSeries;
import io.tsconnector.proto.prometheus.ReadResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamedReadEncoderTest {
    private static final Labels LABELS = Labels.of("__name__", "process_cpu_seconds_total",
            "instance", "127.0.0.1:19090", "job", "prometheus");

    /** One frame as read back: its message size, query index, labels and decoded samples. */
    private record Frame(int bytes, long queryIndex, Labels labels, List<Sample> samples, ChunkedReadResponse msg) {
    }

    @Test
    void encodesTheSamplesFixtureLikePrometheusStreamedResponse() throws IOException {
        ReadResponse samples = ReadResponse.parseFrom(Captures.read("rr-samples-response.pb"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamedReadEncoder encoder = new StreamedReadEncoder(out);
        List<TimeSeries> expected = new ArrayList<>();
        List<Long> expectedIndexes = new ArrayList<>();
        for (int q = 0; q < samples.getResultsCount(); q++) {
            for (io.tsconnector.proto.prometheus.TimeSeries ts : samples.getResults(q).getTimeseriesList()) {
                TimeSeries series = toDomain(ts);
                encoder.series(q, series);
                expected.add(series);
                expectedIndexes.add((long) q);
            }
        }
        encoder.flush();

        List<Frame> frames = readFrames(out.toByteArray(), StreamedReadEncoder.DEFAULT_MAX_FRAME_BYTES);
        assertEquals(4, frames.size(), "one frame per series, as in rr-streamed-response");
        assertEquals(4, encoder.frameCount());
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            ChunkedReadResponse prometheus = ChunkedReadResponse.parseFrom(
                    Captures.read("rr-streamed-response.frame-" + i + ".pb"));
            assertEquals(prometheus.getQueryIndex(), frame.queryIndex(), "frame " + i);
            assertEquals(expectedIndexes.get(i), frame.queryIndex());
            assertEquals(prometheus.getChunkedSeries(0).getLabelsList(), frame.msg().getChunkedSeries(0).getLabelsList());
            assertEquals(expected.get(i).labels(), frame.labels());
            assertSameSamples(expected.get(i).samples(), frame.samples());
            // 297 samples: two full chunks of 120 and the rest.
            assertEquals(3, frame.msg().getChunkedSeries(0).getChunksCount());
        }
    }

    @Test
    void splitsALongSeriesIntoFramesWithinTheLimit() throws IOException {
        int max = 4096;
        TimeSeries series = randomSeries(100_000, 11);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamedReadEncoder encoder = new StreamedReadEncoder(out, max);
        encoder.series(3, series);

        List<Frame> frames = readFrames(out.toByteArray(), max);
        assertTrue(frames.size() > 100, frames.size() + " frames");
        List<Sample> all = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            assertTrue(frame.bytes() <= max, "frame " + i + " has " + frame.bytes() + " bytes");
            assertEquals(3, frame.queryIndex());
            assertEquals(LABELS, frame.labels());
            if (i + 1 < frames.size()) {
                // The frame was closed only because the next chunk would not fit: the limit is not wasted.
                Chunk next = frames.get(i + 1).msg().getChunkedSeries(0).getChunks(0);
                ChunkedSeries grown = frame.msg().getChunkedSeries(0).toBuilder().addChunks(next).build();
                int grownBytes = frame.msg().toBuilder().setChunkedSeries(0, grown).build().getSerializedSize();
                assertTrue(grownBytes > max, "frame " + i + " could have taken the next chunk");
            }
            all.addAll(frame.samples());
        }
        assertSameSamples(series.samples(), all);
    }

    @Test
    void defaultLimitStillSplitsSeriesLargerThanOneMebibyte() throws IOException {
        TimeSeries series = randomSeries(200_000, 12);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StreamedReadEncoder(out).series(0, series);
        List<Frame> frames = readFrames(out.toByteArray(), StreamedReadEncoder.DEFAULT_MAX_FRAME_BYTES);
        assertTrue(frames.size() >= 2, frames.size() + " frames");
        List<Sample> all = new ArrayList<>();
        for (Frame frame : frames) {
            assertTrue(frame.bytes() <= StreamedReadEncoder.DEFAULT_MAX_FRAME_BYTES);
            all.addAll(frame.samples());
        }
        assertSameSamples(series.samples(), all);
    }

    @Test
    void writesFramesWhileTheSeriesIsStillStreaming() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamedReadEncoder encoder = new StreamedReadEncoder(out, 8192);
        encoder.beginSeries(0, LABELS);
        for (int i = 0; i < 100_000; i++) {
            encoder.sample(1_795_595_298_509L + 1000L * i, i * 0.5);
        }
        int writtenBeforeEnd = out.size();
        assertTrue(writtenBeforeEnd > 100_000 * 0.5, "only " + writtenBeforeEnd + " bytes written before endSeries");
        encoder.endSeries();
        assertTrue(out.size() - writtenBeforeEnd <= 8192 + 14, "the last frame holds only the tail");
        assertEquals(100_000, readFrames(out.toByteArray(), 8192).stream().mapToInt(f -> f.samples().size()).sum());
    }

    @Test
    void keepsNoReferenceToWrittenSeries() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamedReadEncoder encoder = new StreamedReadEncoder(out, 4096);
        TimeSeries series = randomSeries(5_000, 13);
        WeakReference<TimeSeries> seriesRef = new WeakReference<>(series);
        WeakReference<Sample> sampleRef = new WeakReference<>(series.samples().get(4_999));
        encoder.series(0, series);
        series = null;
        for (int i = 0; i < 50 && (seriesRef.get() != null || sampleRef.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(seriesRef.get(), "series still reachable");
        assertNull(sampleRef.get(), "sample still reachable");
        encoder.series(1, TimeSeries.of(LABELS, new Sample(1, 1)));
        List<Frame> frames = readFrames(out.toByteArray(), 4096);
        assertEquals(1, frames.get(frames.size() - 1).queryIndex(), "the encoder stays usable");
    }

    @Test
    void seriesWithoutSamplesWritesNoFrame() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamedReadEncoder encoder = new StreamedReadEncoder(out);
        encoder.series(0, TimeSeries.of(LABELS));
        assertEquals(0, out.size());
        assertEquals(0, encoder.frameCount());
    }

    @Test
    void chunksHoldAtMost120SamplesWithTheirTimeRange() throws IOException {
        TimeSeries series = randomSeries(241, 14);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StreamedReadEncoder(out).series(0, series);
        ChunkedReadResponse msg = readFrames(out.toByteArray(), 1 << 20).get(0).msg();
        List<Chunk> chunks = msg.getChunkedSeries(0).getChunksList();
        assertEquals(List.of(120, 120, 1), chunks.stream().map(c -> XorChunkDecoder.decode(c.getData().toByteArray()).size()).toList());
        List<Sample> s = series.samples();
        assertEquals(s.get(0).timestampMs(), chunks.get(0).getMinTimeMs());
        assertEquals(s.get(119).timestampMs(), chunks.get(0).getMaxTimeMs());
        assertEquals(s.get(120).timestampMs(), chunks.get(1).getMinTimeMs());
        assertEquals(s.get(240).timestampMs(), chunks.get(2).getMinTimeMs());
        assertEquals(s.get(240).timestampMs(), chunks.get(2).getMaxTimeMs());
        chunks.forEach(c -> assertEquals(Chunk.Encoding.XOR, c.getType()));
    }

    @Test
    void misuseIsRejected() {
        StreamedReadEncoder encoder = new StreamedReadEncoder(new ByteArrayOutputStream());
        assertThrows(IllegalStateException.class, () -> encoder.sample(1, 1));
        assertThrows(IllegalStateException.class, encoder::endSeries);
        encoder.beginSeries(0, LABELS);
        assertThrows(IllegalStateException.class, () -> encoder.beginSeries(0, LABELS));
        assertThrows(IllegalArgumentException.class, () -> new StreamedReadEncoder(new ByteArrayOutputStream(), 0));
    }

    private static List<Frame> readFrames(byte[] body, int max) throws IOException {
        ChunkedFrameReader reader = new ChunkedFrameReader(new ByteArrayInputStream(body), max);
        List<Frame> frames = new ArrayList<>();
        for (byte[] msg = reader.nextFrame(); msg != null; msg = reader.nextFrame()) {
            ChunkedReadResponse r = ChunkedReadResponse.parseFrom(msg);
            assertEquals(1, r.getChunkedSeriesCount(), "one series per frame");
            ChunkedSeries cs = r.getChunkedSeries(0);
            List<Label> labels = cs.getLabelsList().stream().map(l -> new Label(l.getName(), l.getValue())).toList();
            List<Sample> samples = new ArrayList<>();
            for (Chunk c : cs.getChunksList()) {
                assertEquals(Chunk.Encoding.XOR, c.getType());
                List<Sample> decoded = XorChunkDecoder.decode(c.getData().toByteArray());
                assertTrue(decoded.size() <= StreamedReadEncoder.MAX_SAMPLES_PER_CHUNK, decoded.size() + " samples in a chunk");
                samples.addAll(decoded);
            }
            frames.add(new Frame(msg.length, r.getQueryIndex(), Labels.of(labels), samples, r));
        }
        return frames;
    }

    private static TimeSeries toDomain(io.tsconnector.proto.prometheus.TimeSeries ts) {
        List<Label> labels = ts.getLabelsList().stream().map(l -> new Label(l.getName(), l.getValue())).toList();
        List<Sample> samples = ts.getSamplesList().stream().map(s -> new Sample(s.getTimestamp(), s.getValue())).toList();
        return new TimeSeries(Labels.of(labels), samples);
    }

    private static TimeSeries randomSeries(int n, long seed) {
        Random random = new Random(seed);
        List<Sample> samples = new ArrayList<>(n);
        long t = 1_795_595_298_509L;
        for (int i = 0; i < n; i++) {
            t += 1000 + random.nextInt(50);
            samples.add(new Sample(t, random.nextDouble() * 100));
        }
        return new TimeSeries(LABELS, samples);
    }

    private static void assertSameSamples(List<Sample> expected, List<Sample> actual) {
        assertEquals(expected.size(), actual.size(), "sample count");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(expected.get(i).sameBits(actual.get(i)), "sample " + i + ": " + expected.get(i) + " vs " + actual.get(i));
        }
    }
}
