package io.tsconnector.it.support;

import io.tsconnector.adapters.protocol.Snappy;
import io.tsconnector.adapters.protocol.chunks.ChunkedFrameReader;
import io.tsconnector.adapters.protocol.chunks.XorChunkDecoder;
import io.tsconnector.domain.Label;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.Captures;
import io.tsconnector.proto.prometheus.Chunk;
import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import io.tsconnector.proto.prometheus.ChunkedSeries;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.QueryResult;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Remote-write and remote-read calls as Prometheus makes them, for end-to-end tests and benchmarks. */
public final class RemoteCalls {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** An HTTP answer: status, body bytes as received, and the Content-Type. */
    public record Answer(int status, byte[] body, String contentType, String retryAfter) {
        public Answer(int status, byte[] body, String contentType) {
            this(status, body, contentType, null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RemoteCalls() {
    }

    /** POSTs a snappy remote-write body (as Prometheus sends it) to {@code /write}. */
    public static Answer writeBody(URI base, byte[] snappyBody) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/write"))
                .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0").header("User-Agent", "Prometheus/2.42.0+ds")
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappyBody)).build();
        return send(request);
    }

    public static Answer write(URI base, WriteRequest request) {
        return writeBody(base, Snappy.compress(request.toByteArray()));
    }

    /** POSTs a remote-read request to {@code /read}; the body of the answer is returned as received. */
    public static Answer read(URI base, ReadRequest request) {
        HttpRequest http = HttpRequest.newBuilder(base.resolve("/read"))
                .header("Content-Encoding", "snappy").header("Accept-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf").header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray()))).build();
        return send(http);
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A remote-read request with the given queries, asking for the given response types (none: SAMPLES). */
    public static ReadRequest readRequest(List<SeriesQuery> queries, ReadRequest.ResponseType... accepted) {
        ReadRequest.Builder b = ReadRequest.newBuilder();
        for (SeriesQuery q : queries) {
            Query.Builder qb = Query.newBuilder().setStartTimestampMs(q.startMs()).setEndTimestampMs(q.endMs());
            for (Matcher m : q.matchers()) {
                qb.addMatchers(LabelMatcher.newBuilder().setName(m.name()).setValue(m.value())
                        .setType(LabelMatcher.Type.valueOf(m.type().name())));
            }
            b.addQueries(qb);
        }
        for (ReadRequest.ResponseType t : accepted) {
            b.addAcceptedResponseTypes(t);
        }
        return b.build();
    }

    /** The series of each query of a SAMPLES answer. */
    public static List<List<TimeSeries>> samples(Answer answer) {
        if (answer.status() != 200) {
            throw new AssertionError("remote read answered " + answer.status() + ": " + answer.text());
        }
        try {
            byte[] pb = Snappy.decompress(answer.body(), answer.body().length, Integer.MAX_VALUE);
            List<List<TimeSeries>> out = new ArrayList<>();
            for (QueryResult r : ReadResponse.parseFrom(pb).getResultsList()) {
                List<TimeSeries> series = new ArrayList<>();
                for (io.tsconnector.proto.prometheus.TimeSeries ts : r.getTimeseriesList()) {
                    List<Sample> samples = new ArrayList<>();
                    for (io.tsconnector.proto.prometheus.Sample s : ts.getSamplesList()) {
                        samples.add(new Sample(s.getTimestamp(), s.getValue()));
                    }
                    series.add(new TimeSeries(labels(ts.getLabelsList()), samples));
                }
                out.add(series);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The series of each of {@code queries} queries of a STREAMED_XOR_CHUNKS answer, chunks decoded. */
    public static List<List<TimeSeries>> streamed(Answer answer, int queries) {
        if (answer.status() != 200) {
            throw new AssertionError("remote read answered " + answer.status() + ": " + answer.text());
        }
        List<List<TimeSeries>> out = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            out.add(new ArrayList<>());
        }
        try {
            ChunkedFrameReader frames = new ChunkedFrameReader(new ByteArrayInputStream(answer.body()));
            ChunkedReadResponse r;
            while ((r = frames.nextResponse()) != null) {
                for (ChunkedSeries cs : r.getChunkedSeriesList()) {
                    List<Sample> samples = new ArrayList<>();
                    for (Chunk c : cs.getChunksList()) {
                        samples.addAll(XorChunkDecoder.decode(c.getData().toByteArray()));
                    }
                    out.get((int) r.getQueryIndex()).add(new TimeSeries(labels(cs.getLabelsList()), samples));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Labels labels(List<io.tsconnector.proto.prometheus.Label> labels) {
        List<Label> out = new ArrayList<>(labels.size());
        for (io.tsconnector.proto.prometheus.Label l : labels) {
            out.add(new Label(l.getName(), l.getValue()));
        }
        return Labels.of(out);
    }

    /** The series of a remote-write request, one entry per proto entry, as the connector receives them. */
    public static List<TimeSeries> series(WriteRequest request) {
        List<TimeSeries> out = new ArrayList<>();
        for (io.tsconnector.proto.prometheus.TimeSeries ts : request.getTimeseriesList()) {
            List<Sample> samples = new ArrayList<>();
            for (io.tsconnector.proto.prometheus.Sample s : ts.getSamplesList()) {
                samples.add(new Sample(s.getTimestamp(), s.getValue()));
            }
            out.add(new TimeSeries(labels(ts.getLabelsList()), samples));
        }
        return out;
    }

}
