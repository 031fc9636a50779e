package io.tsconnector.adapters.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tsconnector.domain.DomainException;
import io.tsconnector.domain.MatchType;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.QueryHints;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.proto.prometheus.LabelMatcher;
import io.tsconnector.proto.prometheus.Query;
import io.tsconnector.proto.prometheus.ReadHints;
import io.tsconnector.proto.prometheus.ReadRequest;
import java.util.ArrayList;
import java.util.List;

/** Codec: remote read {@code prometheus.ReadRequest} to domain queries. */
public final class RemoteReadCodec {
    private RemoteReadCodec() {
    }

    /**
     * @param maxMatcherBytes longest matcher value accepted, in UTF-8 bytes
     * @throws ProtocolException 400 for an undecodable request, an invalid matcher or one over the size limit
     */
    public static DecodedRead decodeRequest(byte[] message, int maxMatcherBytes) {
        ReadRequest request;
        try {
            request = ReadRequest.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(400, "undecodable remote read request (" + message.length + " bytes): "
                    + e.getMessage(), e);
        }
        SchemaCheck.requireWellTyped(request, "remote read request");
        List<SeriesQuery> queries = new ArrayList<>(request.getQueriesCount());
        for (int q = 0; q < request.getQueriesCount(); q++) {
            queries.add(toQuery(q, request.getQueries(q), maxMatcherBytes));
        }
        List<ReadRequest.ResponseType> accepted = request.getAcceptedResponseTypesList();
        boolean streamedFirst = !accepted.isEmpty() && accepted.get(0) == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS;
        boolean samples = accepted.isEmpty() || accepted.contains(ReadRequest.ResponseType.SAMPLES);
        return new DecodedRead(queries, streamedFirst, samples);
    }

    private static SeriesQuery toQuery(int index, Query q, int maxMatcherBytes) {
        List<Matcher> matchers = new ArrayList<>(q.getMatchersCount());
        for (LabelMatcher m : q.getMatchersList()) {
            int size = m.getValueBytes().size();
            if (size > maxMatcherBytes) {
                // checked before the matcher is compiled: the cost of a regex grows with its length
                throw ProtocolException.badRequest("query " + index + ": the matcher value for label '"
                        + abbreviate(m.getName()) + "' is " + size + " bytes, over the limit of " + maxMatcherBytes
                        + " bytes per matcher value");
            }
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
            } catch (DomainException e) {
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

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
