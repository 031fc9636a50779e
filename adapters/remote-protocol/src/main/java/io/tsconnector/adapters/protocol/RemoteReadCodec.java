package io.tsconnector.adapters.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.MatchType;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.QueryHints;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.QueryResult;
import io.tsconnector.proto.prometheus.ReadHints;
import io.tsconnector.proto.prometheus.ReadRequest;
import io.tsconnector.proto.prometheus.ReadResponse;
import java.util.ArrayList;
import java.util.List;

/** Codec: remote read {@code prometheus.ReadRequest} to domain queries, and result series to a {@code ReadResponse}. */
public final class RemoteReadCodec {
    private RemoteReadCodec() {
    }

    /** @throws ProtocolException 400 for an undecodable request or an invalid matcher */
    public static DecodedRead decodeRequest(byte[] message) {
        ReadRequest request;
        try {
            request = ReadRequest.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(400, "undecodable remote read request (" + message.length + " bytes): "
                    + e.getMessage(), e);
        }
        List<SeriesQuery> queries = new ArrayList<>(request.getQueriesCount());
        for (int q = 0; q < request.getQueriesCount(); q++) {
            queries.add(toQuery(q, request.getQueries(q)));
        }
        List<ReadRequest.ResponseType> accepted = request.getAcceptedResponseTypesList();
        boolean streamedFirst = !accepted.isEmpty() && accepted.get(0) == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS;
        boolean samples = accepted.isEmpty() || accepted.contains(ReadRequest.ResponseType.SAMPLES);
        return new DecodedRead(queries, streamedFirst, samples);
    }

    private static SeriesQuery toQuery(int index, Query q) {
        List<Matcher> matchers = new ArrayList<>(q.getMatchersCount());
        for (LabelMatcher m : q.getMatchersList()) {
            MatchType type = switch (m.getType()) {
                case EQ -> MatchType.EQ;
                case NEQ -> MatchType.NEQ;
                case RE -> MatchType.RE;
                case NRE -> MatchType.NRE;
                default -> throw ProtocolException.badRequest("query " + index + ": unknown matcher type "
                        + m.getTypeValue() + " for label " + m.getName());
            };
            try {
                matchers.add(new Matcher(type, m.getName(), m.getValue()));
            } catch (IllegalArgumentException e) {
                throw ProtocolException.badRequest("query " + index + ": " + e.getMessage());
            }
        }
        QueryHints hints = QueryHints.NONE;
        if (q.hasHints()) {
            ReadHints h = q.getHints();
            hints = new QueryHints(h.getStepMs(), h.getFunc(), h.getStartMs(), h.getEndMs(), h.getGroupingList(),
                    h.getBy(), h.getRangeMs());
        }
        return new SeriesQuery(q.getStartTimestampMs(), q.getEndTimestampMs(), matchers, hints);
    }

    /** Encodes one {@code QueryResult} per query, in request order, as a snappy-compressed {@code ReadResponse}. */
    public static byte[] encodeSamplesResponse(List<List<TimeSeries>> results) {
        ReadResponse.Builder response = ReadResponse.newBuilder();
        for (List<TimeSeries> result : results) {
            QueryResult.Builder qr = response.addResultsBuilder();
            for (TimeSeries series : result) {
                io.tsconnector.proto.prometheus.TimeSeries.Builder ts = qr.addTimeseriesBuilder();
                Labels labels = series.labels();
                for (int i = 0; i < labels.size(); i++) {
                    ts.addLabelsBuilder().setName(labels.name(i)).setValue(labels.value(i));
                }
                for (Sample s : series.samples()) {
                    ts.addSamplesBuilder().setTimestamp(s.timestampMs()).setValue(s.value());
                }
            }
        }
        return Snappy.compress(response.build().toByteArray());
    }

    /** Size a {@code ReadResponse} grows by when one series is added, for bounding responses before building them. */
    public static long encodedSize(TimeSeries series) {
        long size = 0;
        Labels labels = series.labels();
        for (int i = 0; i < labels.size(); i++) {
            int label = CodedOutputStream.computeStringSize(1, labels.name(i))
                    + CodedOutputStream.computeStringSize(2, labels.value(i));
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(label) + label;
        }
        // a sample is at most tag+fixed64 value and tag+varint timestamp, wrapped in tag+length
        size += (long) series.samples().size() * (2 + 9 + 11);
        return size + 10;
    }

}
