package io.tsconnector.adapters.protocol.chunks;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.Chunk;
import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import io.tsconnector.proto.prometheus.ChunkedSeries;
import io.tsconnector.proto.prometheus.Label;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Codec: writes query results as a STREAMED_XOR_CHUNKS remote-read body, frame by frame as series arrive,
 * the way Prometheus' {@code StreamChunkedReadResponses} does.
 *
 * <p>Each frame is a {@code ChunkedReadResponse} with exactly one series and its {@code query_index};
 * samples are cut into XOR chunks of at most {@value #MAX_SAMPLES_PER_CHUNK} samples (Prometheus' head
 * chunk target). A series whose chunks do not fit in {@code maxFrameBytes} continues in further frames
 * with the same labels. Unlike Prometheus, which lets a frame overshoot by up to one chunk, the limit
 * is strict: a frame is closed before a chunk would push its message past it. Only a frame holding a
 * single chunk can exceed the limit, when that chunk plus the labels alone are larger.
 *
 * <p>Memory holds at most one frame's chunks and one open chunk, whatever the size of the result; no
 * reference to a series is kept once it has been written. Not thread-safe.
 */
public final class StreamedReadEncoder {
    /** Prometheus' default {@code --storage.remote.read-max-bytes-in-frame}. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
    /** Prometheus cuts head chunks at this many samples. */
    public static final int MAX_SAMPLES_PER_CHUNK = 120;

    private static final int SERIES_FIELD_TAG_BYTES = 1;
    private static final int QUERY_INDEX_TAG_BYTES = 1;

    private final ChunkedFrameWriter frames;
    private final int maxFrameBytes;
    private final XorChunkEncoder chunk = new XorChunkEncoder();
    private final List<Chunk> pending = new ArrayList<>();

    private boolean open;
    private long queryIndex;
    private List<Label> labels;
    private int labelsBytes;
    private int pendingBytes;
    private long chunkMin;
    private long chunkMax;
    private long frameCount;

    /** An encoder with {@link #DEFAULT_MAX_FRAME_BYTES}. */
    public StreamedReadEncoder(OutputStream out) {
        this(out, DEFAULT_MAX_FRAME_BYTES);
    }

    /** An encoder whose frame messages stay within {@code maxFrameBytes} (see the class comment). */
    public StreamedReadEncoder(OutputStream out, int maxFrameBytes) {
        this.frames = new ChunkedFrameWriter(Objects.requireNonNull(out, "out"));
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Writes one series of the query at {@code queryIndex}; a series without samples writes nothing. */
    public void series(int queryIndex, TimeSeries series) throws IOException {
        beginSeries(queryIndex, series.labels());
        List<Sample> samples = series.samples();
        for (int i = 0, n = samples.size(); i < n; i++) {
            Sample s = samples.get(i);
            sample(s.timestampMs(), s.value());
        }
        endSeries();
    }

    /** Starts a series whose samples follow through {@link #sample}, for callers that stream samples. */
    public void beginSeries(int queryIndex, Labels seriesLabels) {
        if (open) {
            throw new IllegalStateException("beginSeries before endSeries of the previous series");
        }
        if (queryIndex < 0) {
            throw new IllegalArgumentException("negative query index " + queryIndex);
        }
        this.queryIndex = queryIndex;
        List<Label> l = new ArrayList<>(seriesLabels.size());
        int bytes = 0;
        for (int i = 0; i < seriesLabels.size(); i++) {
            Label label = Label.newBuilder().setName(seriesLabels.name(i)).setValue(seriesLabels.value(i)).build();
            l.add(label);
            bytes += fieldBytes(label.getSerializedSize());
        }
        labels = l;
        labelsBytes = bytes;
        open = true;
    }

    /** Adds the next sample of the open series; samples should come in timestamp order. */
    public void sample(long timestampMs, double value) throws IOException {
        if (!open) {
            throw new IllegalStateException("sample outside beginSeries/endSeries");
        }
        if (chunk.numSamples() == 0) {
            chunkMin = timestampMs;
            chunkMax = timestampMs;
        } else {
            chunkMin = Math.min(chunkMin, timestampMs);
            chunkMax = Math.max(chunkMax, timestampMs);
        }
        chunk.append(timestampMs, value);
        if (chunk.numSamples() == MAX_SAMPLES_PER_CHUNK) {
            cutChunk();
        }
    }

    /** Ends the open series, writing its last frame, and drops every reference to it. */
    public void endSeries() throws IOException {
        if (!open) {
            throw new IllegalStateException("endSeries without beginSeries");
        }
        if (chunk.numSamples() > 0) {
            cutChunk();
        }
        if (!pending.isEmpty()) {
            writeFrame();
        }
        labels = null;
        open = false;
    }

    /** Flushes the frames written so far to the stream, so the client can start decoding them. */
    public void flush() throws IOException {
        frames.flush();
    }

    /** Frames written since construction. */
    public long frameCount() {
        return frameCount;
    }

    private void cutChunk() throws IOException {
        Chunk c = Chunk.newBuilder()
                .setMinTimeMs(chunkMin)
                .setMaxTimeMs(chunkMax)
                .setType(Chunk.Encoding.XOR)
                .setData(ByteString.copyFrom(chunk.buffer(), 0, chunk.size()))
                .build();
        chunk.reset();
        int bytes = fieldBytes(c.getSerializedSize());
        if (!pending.isEmpty() && messageBytes(pendingBytes + bytes) > maxFrameBytes) {
            writeFrame();
        }
        pending.add(c);
        pendingBytes += bytes;
    }

    private void writeFrame() throws IOException {
        ChunkedReadResponse msg = ChunkedReadResponse.newBuilder()
                .addChunkedSeries(ChunkedSeries.newBuilder().addAllLabels(labels).addAllChunks(pending))
                .setQueryIndex(queryIndex)
                .build();
        frames.write(msg);
        frameCount++;
        pending.clear();
        pendingBytes = 0;
    }

    /** Size of the frame message holding the labels and chunks of {@code chunksBytes}; proto3 omits index 0. */
    private int messageBytes(int chunksBytes) {
        int seriesBytes = labelsBytes + chunksBytes;
        int size = SERIES_FIELD_TAG_BYTES + CodedOutputStream.computeUInt32SizeNoTag(seriesBytes) + seriesBytes;
        if (queryIndex != 0) {
            size += QUERY_INDEX_TAG_BYTES + CodedOutputStream.computeInt64SizeNoTag(queryIndex);
        }
        return size;
    }

    /** Bytes of a length-delimited field numbered below 16 (1-byte tag). */
    private static int fieldBytes(int messageBytes) {
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(messageBytes) + messageBytes;
    }
}
