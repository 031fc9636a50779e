package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;

/**
 * Differential test of the translation's pushdown ({@link SqlTranslator.Plan#PUSHDOWN}): random and edge-case
 * WHERE clauses answer exactly what the plain view answers ({@link SqlTranslator.Plan#PLAIN}), and what the time
 * bounds alone answer ({@link SqlTranslator.Plan#BOUNDS}): the same columns, the same rows (as a multiset: without
 * ORDER BY the order is unspecified), the same error.
 */
class PushdownDifferentialTest {
    private static final long T0 = 1_795_595_300_000L;
    /** 2200-01-01: past the last millisecond a key holds. */
    private static final long FAR_FUTURE_MILLIS = 7_258_118_400_000L;
    private static final String[] LABELS = {"job", "instance", "env", "absent_label", "measure_name"};
    private static final String[] VALUES = {"a", "b", "h1", "h2", "h'3", "a.b", "x|y", "prod", "dev", "", "ü", "m1", "m2", "mb", "m x"};
    private static final String[] REGEXES = {"", ".*", ".+", "a|b", "h.*", "a\\.b", "x\\|y", "(?i)A", "h[12]", "m.", "prod|", "[^a]*", "ü"};
    /** Times around the data's: on a sample, one millisecond or nanosecond beside it, before and after all. */
    private static final long[] MILLIS = {0, T0 - 1, T0, T0 + 1, T0 + 4_000, T0 + 4_001, T0 + 9_000, T0 + 60_000, FAR_FUTURE_MILLIS, -5};
    private static final long[] NANOS = {T0 * 1_000_000L + 1, T0 * 1_000_000L, T0 * 1_000_000L + 999, (T0 + 3_000) * 1_000_000L + 500_000,
        FAR_FUTURE_MILLIS * 1_000_000L, FAR_FUTURE_MILLIS * 1_000_000L + 7, Long.MAX_VALUE, 1};

    private static LocalTimestream ts;

    @BeforeAll
    static void load() {
        ts = LocalTimestream.open(Records.memName(), true);
        String[][] series = {
            {"m1", "job", "a", "instance", "h1"},
            {"m1", "job", "a", "instance", "h2", "env", "prod"},
            {"m1", "job", "b"},
            {"m2", "instance", "h'3", "env", "dev"},
            {"m2", "job", "a.b", "instance", "x|y"},
            {"m x", "job", "ü", "env", "prod"},
            {"m2", "env", "a"},
        };
        double[] values = {-0.0, 0.0, 4.9E-324, 1e300, -1.5, 3, 0.1 + 0.2, Double.MAX_VALUE, 12345.678};
        for (int s = 0; s < series.length; s++) {
            List<Record> batch = new ArrayList<>();
            String[] dims = Arrays.copyOfRange(series[s], 1, series[s].length);
            for (int i = 0; i < 10; i++) {
                batch.add(rec(series[s][0], values[(s + i) % values.length], T0 + i * 1_000L + s, dims));
            }
            // samples no key holds: nanosecond and microsecond times, and a time after 2109
            batch.add(nanos(series[s][0], -0.0, T0 * 1_000_000L + 1 + s, dims));
            batch.add(rec(series[s][0], 2.5, 0, dims).toBuilder().time(Long.toString((T0 + 3_000) * 1_000L + 500)).timeUnit(TimeUnit.MICROSECONDS).build());
            batch.add(rec(series[s][0], 7, FAR_FUTURE_MILLIS + s, dims));
            ts.writeClient().writeRecords(write("db", "t", batch));
        }
        ts.writeClient().writeRecords(write("db", "t",
                typed("mb", MeasureValueType.BIGINT, "42", T0 + 1_000, "job", "a"),
                typed("mb", MeasureValueType.BIGINT, "-7", T0 + 2_000, "job", "a"),
                typed("mv", MeasureValueType.VARCHAR, "text 'q'", T0 + 1_000, "job", "b", "env", "dev"),
                typed("mbool", MeasureValueType.BOOLEAN, "true", T0 + 4_000, "instance", "h1")));
        for (String bad : new String[] {"NaN", "Infinity"}) {
            try {
                ts.writeClient().writeRecords(write("db", "t", typed("m1", MeasureValueType.DOUBLE, bad, T0 + 77, "job", "a")));
            } catch (RejectedRecordsException expected) {
                // Timestream stores no non-finite value
            }
        }
    }

    @AfterAll
    static void close() {
        ts.close();
    }

    private static Record nanos(String measure, double value, long nanos, String... dims) {
        return rec(measure, value, 0, dims).toBuilder().time(Long.toString(nanos)).timeUnit(TimeUnit.NANOSECONDS).build();
    }

    private static Record typed(String measure, MeasureValueType type, String value, long millis, String... dims) {
        return Record.builder().measureName(measure).measureValue(value).measureValueType(type).time(Long.toString(millis))
                .timeUnit(TimeUnit.MILLISECONDS).dimensions(Records.dims(dims)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // the connector's reads
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND measure_name = 'm1'",
        "time BETWEEN from_milliseconds(0) AND from_milliseconds(9223372036854) AND measure_name = 'm1' AND \"job\" = 'a'",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND (\"env\" IS NULL OR \"env\" <> 'prod')",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND \"env\" IS NULL",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND \"env\" IS NOT NULL",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND REGEXP_LIKE(\"instance\", '^(?:h.*)$')",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND (\"instance\" IS NULL OR REGEXP_LIKE(\"instance\", '^(?:)$'))",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND (\"job\" IS NULL OR NOT REGEXP_LIKE(\"job\", '^(?:a|)$'))",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND NOT REGEXP_LIKE(measure_name, '^(?:m1)$')",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND REGEXP_LIKE(\"job\", '^(?:(?i)A)$')",
        // edges: an empty range, nanosecond bounds, unknown columns, conditions that stay, other clauses
        "time BETWEEN from_milliseconds(%T9) AND from_milliseconds(%T0) AND \"job\" = 'a'",
        "time >= from_nanoseconds(1795595300000000001) AND time <= from_nanoseconds(1795595300000000004)",
        "time = from_nanoseconds(1795595303000500000) AND \"job\" <> 'a'",
        "time > from_milliseconds(7258118400000) AND \"env\" = 'prod'",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND \"absent_label\" = 'a'",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND absent_label IS NULL",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND \"ts_id\" = 1",
        "time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T9) AND ts_k > 0",
        "\"job\" = 'a' AND measure_value::double > 0",
        "\"job\" = 'a' AND (measure_value::double > 0 OR time < from_milliseconds(%T4))",
        "job IN ('a', 'b') AND NOT (env = 'prod') AND time < from_milliseconds(%T4)",
        "MEASURE_NAME LIKE 'm%' AND 1 = 1",
        "FALSE AND time > from_milliseconds(0)",
        "\"job\" = 'a' AND AND time > from_milliseconds(0)",
        "\"job\" = 'a' OR time > from_milliseconds(%T9)",
        "REGEXP_LIKE(\"job\", '(') AND time > from_milliseconds(0)",
        "time > from_milliseconds(9223372036854775807) AND \"job\" = 'a'",
        "\"job\" BETWEEN 'a' AND 'b' AND time BETWEEN from_milliseconds(%T0) AND from_milliseconds(%T4)",
        "CASE WHEN \"job\" = 'a' AND time > from_milliseconds(%T4) THEN 1 ELSE 0 END = 0 AND \"env\" IS NULL",
    })
    void edgeCasesAnswerAlike(String where) {
        String w = where.replace("%T0", Long.toString(T0)).replace("%T4", Long.toString(T0 + 4_000)).replace("%T9", Long.toString(T0 + 9_000));
        for (String suffix : new String[] {"", " ORDER BY time DESC"}) {
            assertAlike("SELECT * FROM \"db\".\"t\" WHERE " + w + suffix);
        }
        assertAlike("SELECT measure_name, \"job\", count(*), max(time) FROM \"db\".\"t\" WHERE " + w + " GROUP BY measure_name, \"job\"");
    }

    @Test
    void randomWhereClausesAnswerAlike() {
        Random random = new Random(20261202L);
        int moved = 0;
        for (int n = 0; n < 600; n++) {
            List<String> conjuncts = new ArrayList<>();
            int count = random.nextInt(5);
            for (int i = 0; i < count; i++) {
                conjuncts.add(random.nextInt(3) == 0 ? timeCondition(random) : condition(random, 0));
            }
            if (conjuncts.isEmpty() || random.nextInt(8) == 0) {
                conjuncts.add(timeCondition(random));
            }
            String where = String.join(random.nextInt(12) == 0 ? " OR " : " AND ", conjuncts);
            String select = switch (random.nextInt(6)) {
                case 0 -> "SELECT \"job\", measure_name, time, measure_value::double FROM \"db\".\"t\" WHERE ";
                case 1 -> "SELECT count(*) FROM \"db\".\"t\" WHERE ";
                default -> "SELECT * FROM \"db\".\"t\" WHERE ";
            };
            String sql = select + where + (random.nextInt(4) == 0 ? " ORDER BY time" : "");
            assertAlike(sql);
            if (!translated(sql, SqlTranslator.Plan.PUSHDOWN).equals(translated(sql, SqlTranslator.Plan.BOUNDS))) {
                moved++;
            }
        }
        // the comparison means something only when most statements took the pushdown
        assertTrue(moved > 400, "statements with conditions moved: " + moved);
    }

    @Test
    void theConnectorsReadTestsEachSeriesOnceInsideTheTablesQuery() {
        String sql = "SELECT * FROM \"db\".\"t\" WHERE time BETWEEN from_milliseconds(1) AND from_milliseconds(2) "
                + "AND measure_name = 'm1' AND (\"env\" IS NULL OR \"env\" <> 'prod') AND REGEXP_LIKE(\"job\", '^(?:a)$')";
        SqlTranslator.Translated translated = SqlTranslator.translate(SqlTranslator.tokenize(sql), ts.catalog(), SqlTranslator.Plan.PUSHDOWN);
        String pushed = translated.sql();
        String series = " FROM \"db$db\".\"t$series\" WHERE (\"measure_name\" = 'm1') AND (( \"env\" IS NULL OR "
                + "\"env\" <> 'prod' )) AND (ts_regexp_like ( \"job\" , '^(?:a)$' ))) s JOIN ";
        // in the points, samples and blocks branches (the heads branch lists the series), and nothing is left to
        // evaluate per row: the statement is the table's query
        assertEquals(3, pushed.split(java.util.regex.Pattern.quote(series), -1).length - 1, pushed);
        assertTrue(!pushed.contains("from_milliseconds") && pushed.startsWith("SELECT s.") && translated.keyedTime(), pushed);
        assertTrue(pushed.contains(" ON d.\"ts_k\" >= s.\"ts_key_from\" AND d.\"ts_k\" <= s.\"ts_key_to\" UNION ALL "), pushed);
        assertNotEquals(translated(sql, SqlTranslator.Plan.BOUNDS), pushed);
    }

    private static String translated(String sql, SqlTranslator.Plan plan) {
        return SqlTranslator.translate(SqlTranslator.tokenize(sql), ts.catalog(), plan).sql();
    }

    private static String timeCondition(Random random) {
        String a = timeLiteral(random);
        return switch (random.nextInt(7)) {
            case 0, 1 -> "time BETWEEN " + a + " AND " + timeLiteral(random);
            case 2 -> "time >= " + a;
            case 3 -> "time > " + a;
            case 4 -> "time <= " + a;
            case 5 -> "time < " + a;
            default -> "time = " + a;
        };
    }

    private static String timeLiteral(Random random) {
        return random.nextInt(3) == 0 ? "from_nanoseconds(" + NANOS[random.nextInt(NANOS.length)] + ")"
                : "from_milliseconds(" + MILLIS[random.nextInt(MILLIS.length)] + ")";
    }

    /** A condition in the connector's matcher shapes and a few others, quoted or not. */
    private static String condition(Random random, int depth) {
        String label = LABELS[random.nextInt(LABELS.length)];
        String col = label.equals("measure_name") && random.nextBoolean() ? "measure_name"
                : random.nextInt(4) == 0 ? label : "\"" + label + "\"";
        String v = "'" + VALUES[random.nextInt(VALUES.length)].replace("'", "''") + "'";
        String re = "REGEXP_LIKE(" + col + ", '^(?:" + REGEXES[random.nextInt(REGEXES.length)] + ")$')";
        return switch (random.nextInt(depth > 1 ? 13 : 16)) {
            case 0 -> col + " = " + v;
            case 1 -> col + " <> " + v;
            case 2 -> col + " IS NULL";
            case 3 -> col + " IS NOT NULL";
            case 4 -> "(" + col + " IS NULL OR " + col + " <> " + v + ")";
            case 5 -> re;
            case 6 -> "NOT " + re;
            case 7 -> "(" + col + " IS NULL OR " + re + ")";
            case 8 -> "(" + col + " IS NULL OR NOT " + re + ")";
            case 9 -> col + " IN (" + v + ", 'a')";
            case 10 -> random.nextBoolean() ? "measure_value::double > 0" : "\"measure_value::double\" IS NULL";
            case 11 -> random.nextBoolean() ? "measure_value::bigint = 42" : "measure_value::varchar IS NOT NULL";
            case 12 -> random.nextBoolean() ? "1 = 1" : "FALSE";
            case 13 -> "NOT (" + condition(random, depth + 1) + ")";
            case 14 -> "(" + condition(random, depth + 1) + " OR " + condition(random, depth + 1) + ")";
            default -> "(" + condition(random, depth + 1) + " OR " + timeCondition(random) + ")";
        };
    }

    private static void assertAlike(String sql) {
        Answer expected = answer(sql, SqlTranslator.Plan.PLAIN);
        assertEquals(expected, answer(sql, SqlTranslator.Plan.BOUNDS), sql);
        assertEquals(expected, answer(sql, SqlTranslator.Plan.PUSHDOWN), sql);
    }

    /** Columns and sorted rows of a query's answer, or the error it raised. */
    private record Answer(List<String> columns, List<List<String>> rows, String error) {
    }

    private static Answer answer(String sql, SqlTranslator.Plan plan) {
        ts.plan(plan);
        try {
            return attempt(() -> {
                List<String> columns = new ArrayList<>();
                List<List<String>> rows = new ArrayList<>();
                String token = null;
                do {
                    QueryResponse r = ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(token).build());
                    if (columns.isEmpty()) {
                        for (ColumnInfo c : r.columnInfo()) {
                            columns.add(c.name() + ":" + c.type().scalarTypeAsString());
                        }
                    }
                    for (Row row : r.rows()) {
                        rows.add(Records.values(row));
                    }
                    token = r.nextToken();
                } while (token != null);
                rows.sort(Comparator.comparing(Object::toString));
                return new Answer(columns, rows, null);
            });
        } finally {
            ts.plan(SqlTranslator.Plan.PUSHDOWN);
        }
    }

    private static Answer attempt(Supplier<Answer> query) {
        try {
            return query.get();
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            // a syntax error quotes the statement H2 was given, which differs between the plans
            return new Answer(List.of(), List.of(), e.getClass().getSimpleName()
                    + (message.contains("syntax") ? "" : ": " + message.replaceAll(" \\(Service: .*", "")));
        }
    }
}
