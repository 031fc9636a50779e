package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * The JSON body the writer serializes itself says exactly what the SDK model of the same call says: same
 * CommonAttributes, same records with the same own dimensions in the same order, for random batches where
 * some dimensions are shared by a call's records and others are not.
 */
class CallPlanJsonTest {
    private static final Destination DEST = new Destination("db \"x\"", "tbl\\1");

    @Test
    void serializedBodiesEqualTheModelOnRandomBatches() {
        Random random = new Random(20261202);
        int calls = 0;
        int sharedDims = 0;
        int ownDims = 0;
        for (int round = 0; round < 300; round++) {
            List<TimeSeries> batch = randomBatch(random);
            SeriesParts.Interner interner = new SeriesParts.Interner(64);
            java.util.Map<Labels, SeriesParts> parts = new java.util.HashMap<>();
            for (CallPlan plan : CallPlanner.plan(batch, s -> parts.computeIfAbsent(s.labels(), l -> new SeriesParts(l, interner)))) {
                JsonBuffer body = new JsonBuffer(256);
                plan.writeJson(DEST, body);
                JsonNode json = JsonNodeParser.create().parse(new String(body.array(), 0, body.length(), StandardCharsets.UTF_8));
                WriteRecordsRequest model = plan.modelRequest(DEST);
                assertEquals(describe(model), describe(json), "round " + round);
                calls++;
                sharedDims += model.commonAttributes().dimensions().size();
                ownDims += model.records().stream().mapToInt(r -> r.dimensions().size()).sum();
            }
        }
        assertFalse(calls < 300 || sharedDims == 0 || ownDims == 0,
                "the batches exercise shared and own dimensions: " + calls + " calls, " + sharedDims + " shared, " + ownDims + " own");
    }

    /** Series of a few metrics and targets; label names drawn from a small set, values from a smaller one. */
    private static List<TimeSeries> randomBatch(Random random) {
        String[] names = {"a", "cpu", "instance", "job", "mode", "quote\"d", "z\u00e9"};
        int n = 1 + random.nextInt(250);
        long t = 1_700_000_000_000L;
        List<TimeSeries> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<String> kv = new ArrayList<>(List.of("__name__", "m" + random.nextInt(3)));
            for (String name : names) {
                if (random.nextInt(3) > 0) {
                    kv.add(name);
                    kv.add(random.nextInt(4) == 0 ? "v" + random.nextInt(50) : "v" + random.nextInt(2));
                }
            }
            List<Sample> samples = new ArrayList<>();
            int k = 1 + random.nextInt(random.nextBoolean() ? 1 : 12);
            for (int i = 0; i < k; i++) {
                samples.add(new Sample(t + (random.nextBoolean() ? 0 : i * 15_000L), random.nextGaussian() * 1e6));
            }
            out.add(new TimeSeries(Labels.of(kv.toArray(new String[0])), samples));
        }
        return out;
    }

    private static String describe(WriteRecordsRequest q) {
        StringBuilder sb = new StringBuilder(q.databaseName() + "/" + q.tableName() + " common ");
        record(sb, q.commonAttributes());
        for (Record r : q.records()) {
            sb.append("\n  ");
            record(sb, r);
        }
        return sb.toString();
    }

    private static void record(StringBuilder sb, Record r) {
        sb.append('[');
        r.dimensions().forEach(d -> sb.append(d.name()).append('=').append(d.value()).append(';'));
        sb.append("] name=").append(r.measureName()).append(" value=").append(r.measureValue())
                .append(" time=").append(r.time());
    }

    private static String describe(JsonNode q) {
        TreeMap<String, JsonNode> top = new TreeMap<>(q.asObject());
        StringBuilder sb = new StringBuilder(top.get("DatabaseName").text() + "/" + top.get("TableName").text() + " common ");
        record(sb, top.get("CommonAttributes"));
        for (JsonNode r : top.get("Records").asArray()) {
            sb.append("\n  ");
            record(sb, r);
        }
        return sb.toString();
    }

    private static void record(StringBuilder sb, JsonNode r) {
        sb.append('[');
        JsonNode dims = r.field("Dimensions").orElse(null);
        if (dims != null) {
            for (JsonNode d : dims.asArray()) {
                sb.append(d.field("Name").get().text()).append('=').append(d.field("Value").get().text()).append(';');
            }
        }
        String value = r.field("MeasureValue").map(JsonNode::text).orElse(null);
        // the model carries Double.toString, the body the shortest round-trip form: compare as doubles
        String canonical = value == null ? null : Double.toString(Double.parseDouble(value));
        sb.append("] name=").append(r.field("MeasureName").map(JsonNode::text).orElse(null))
                .append(" value=").append(canonical)
                .append(" time=").append(r.field("Time").map(JsonNode::text).orElse(null));
    }
}
