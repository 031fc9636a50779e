package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.AccessDeniedException;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryExecutionException;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamquery.model.ScalarType;
import software.amazon.awssdk.services.timestreamquery.model.ThrottlingException;
import software.amazon.awssdk.services.timestreamquery.model.Type;
import software.amazon.awssdk.services.timestreamquery.model.ValidationException;

class TimestreamSeriesReaderTest {
    private static final Destination DEST = new Destination("db", "tbl");
    private static final List<ColumnInfo> COLUMNS = List.of(column("job", ScalarType.VARCHAR),
            column("measure_name", ScalarType.VARCHAR), column("time", ScalarType.TIMESTAMP),
            column("measure_value::double", ScalarType.DOUBLE));

    private final List<QueryRequest> requests = new ArrayList<>();
    private final Deque<List<String>> describeAnswers = new ArrayDeque<>();

    private TimestreamSeriesReader reader(Function<QueryRequest, QueryResponse> queries) {
        return new TimestreamSeriesReader(new TimestreamQueryClient() {
            @Override
            public QueryResponse query(QueryRequest request) {
                requests.add(request);
                if (request.queryString().startsWith("DESCRIBE")) {
                    List<String> cols = describeAnswers.size() > 1 ? describeAnswers.poll() : describeAnswers.peek();
                    return describe(cols == null ? List.of("job") : cols);
                }
                return queries.apply(request);
            }

            @Override
            public String serviceName() {
                return "timestream";
            }

            @Override
            public void close() {
            }
        });
    }

    private static QueryResponse describe(List<String> dimensions) {
        List<Row> rows = new ArrayList<>();
        for (String d : dimensions) {
            rows.add(row(d, "varchar", "DIMENSION"));
        }
        rows.add(row("measure_name", "varchar", "MEASURE_NAME"));
        rows.add(row("time", "timestamp", "TIMESTAMP"));
        return QueryResponse.builder().columnInfo(column("Column", ScalarType.VARCHAR), column("Type", ScalarType.VARCHAR),
                column("Timestream attribute type", ScalarType.VARCHAR)).rows(rows).build();
    }

    private static ColumnInfo column(String name, ScalarType type) {
        return ColumnInfo.builder().name(name).type(Type.builder().scalarType(type).build()).build();
    }

    /** A row of job, measure_name, time, value; a null job is a NULL datum. */
    private static Row row(String... values) {
        return Row.builder().data(Arrays.stream(values)
                .map(v -> v == null ? Datum.builder().nullValue(true).build() : Datum.builder().scalarValue(v).build())
                .toList()).build();
    }

    private static QueryResponse page(String nextToken, Row... rows) {
        return QueryResponse.builder().columnInfo(COLUMNS).rows(rows).nextToken(nextToken).build();
    }

    private static List<TimeSeries> read(TimestreamSeriesReader reader, Matcher... matchers) {
        List<TimeSeries> out = new ArrayList<>();
        reader.read(DEST, SeriesQuery.of(0, 10_000, matchers), out::add);
        return out;
    }

    @Test
    void followsTokensAndMergesSeriesAcrossPages() {
        TimestreamSeriesReader reader = reader(q -> {
            if (q.nextToken() == null) {
                return page("t1");
            }
            return switch (q.nextToken()) {
                case "t1" -> page("t2",
                        row("b", "up", "1970-01-01 00:00:00.003000000", "3.0"),
                        row(null, "up", "1970-01-01 00:00:00.001000000", "10.0"),
                        row("b", "up", "1970-01-01 00:00:00.001000000", "1.0"));
                case "t2" -> page(null,
                        row("a", "up", "1970-01-01 00:00:01.000000000", "5.0"),
                        row("b", "up", "1970-01-01 00:00:00.002999999", "2.0"),
                        row("b", "up", "1970-01-01 00:00:00.001000000", "1.0"));
                default -> throw new AssertionError(q.nextToken());
            };
        });
        List<TimeSeries> got = read(reader, Matcher.eq("__name__", "up"));
        // Prometheus' label order: a prefix sorts first
        assertEquals(List.of(Labels.of("__name__", "up"), Labels.of("__name__", "up", "job", "a"),
                Labels.of("__name__", "up", "job", "b")), got.stream().map(TimeSeries::labels).toList());
        assertEquals(List.of(new Sample(1, 10.0)), got.get(0).samples());
        assertEquals(List.of(new Sample(1000, 5.0)), got.get(1).samples());
        assertEquals(List.of(new Sample(1, 1.0), new Sample(2, 2.0), new Sample(3, 3.0)), got.get(2).samples());
        List<QueryRequest> queries = requests.stream().filter(q -> !q.queryString().startsWith("DESCRIBE")).toList();
        assertEquals(Arrays.asList(null, "t1", "t2"), queries.stream().map(QueryRequest::nextToken).toList());
        assertTrue(queries.stream().allMatch(q -> q.queryString().equals(queries.get(0).queryString())));
    }

    @Test
    void conditionOnLabelWithoutColumnNeedsNoQuery() {
        TimestreamSeriesReader reader = reader(q -> {
            throw new AssertionError("no query expected: " + q.queryString());
        });
        assertEquals(List.of(), read(reader, Matcher.eq("__name__", "up"), Matcher.eq("env", "prod")));
    }

    @Test
    void absentLabelConditionIsDropped() {
        TimestreamSeriesReader reader = reader(q -> page(null));
        read(reader, Matcher.eq("__name__", "up"), Matcher.eq("env", ""));
        String sql = requests.get(requests.size() - 1).queryString();
        assertFalse(sql.contains("env"), sql);
        assertTrue(sql.endsWith("AND measure_name = 'up'"), sql);
    }

    @Test
    void columnsAreCachedPerDestination() {
        TimestreamSeriesReader reader = reader(q -> page(null));
        read(reader, Matcher.eq("job", "a"));
        read(reader, Matcher.eq("job", "b"));
        assertEquals(1, requests.stream().filter(q -> q.queryString().startsWith("DESCRIBE")).count());
    }

    @Test
    void missingColumnErrorReloadsColumnsAndRetriesOnce() {
        describeAnswers.add(List.of("job", "env"));
        describeAnswers.add(List.of("job"));
        TimestreamSeriesReader reader = reader(q -> {
            if (q.queryString().contains("\"env\"")) {
                throw ValidationException.builder().message("line 1:80: Column 'env' does not exist").build();
            }
            return page(null, row("a", "up", "1970-01-01 00:00:00.001000000", "1.0"));
        });
        List<TimeSeries> got = read(reader, Matcher.eq("__name__", "up"), Matcher.neq("env", "prod"));
        assertEquals(1, got.size());
        assertEquals(2, requests.stream().filter(q -> q.queryString().startsWith("DESCRIBE")).count());
    }

    @Test
    void storeWithoutDescribeLearnsMissingColumnsFromErrors() {
        TimestreamSeriesReader reader = new TimestreamSeriesReader(new TimestreamQueryClient() {
            @Override
            public QueryResponse query(QueryRequest request) {
                if (request.queryString().startsWith("DESCRIBE")) {
                    throw ValidationException.builder().message("line 1:1: mismatched input 'DESCRIBE'").build();
                }
                if (request.queryString().contains("\"env\"")) {
                    throw ValidationException.builder().message("Column \"env\" not found").build();
                }
                return page(null, row("a", "up", "1970-01-01 00:00:00.001000000", "1.0"));
            }

            @Override
            public String serviceName() {
                return "timestream";
            }

            @Override
            public void close() {
            }
        });
        assertEquals(1, read(reader, Matcher.eq("__name__", "up"), Matcher.eq("env", "")).size());
        assertEquals(0, read(reader, Matcher.eq("__name__", "up"), Matcher.eq("env", "x")).size());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(ValidationException.builder().message("line 1:9: mismatched input").build(),
                        NeverRetryException.Kind.INVALID),
                Arguments.of(ValidationException.builder().message("The table tbl does not exist.").build(),
                        NeverRetryException.Kind.NOT_FOUND),
                Arguments.of(software.amazon.awssdk.services.timestreamquery.model.ResourceNotFoundException.builder()
                        .message("gone").build(), NeverRetryException.Kind.NOT_FOUND),
                Arguments.of(AccessDeniedException.builder().message("no").build(), NeverRetryException.Kind.ACCESS_DENIED),
                Arguments.of(QueryExecutionException.builder().message("query too complex").build(),
                        NeverRetryException.Kind.INVALID),
                Arguments.of(ThrottlingException.builder().message("slow down").requestId("req-9").build(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorsAreTranslated(RuntimeException error, NeverRetryException.Kind kind) {
        TimestreamSeriesReader reader = reader(q -> {
            throw error;
        });
        StorageException e = assertThrows(StorageException.class, () -> read(reader, Matcher.eq("__name__", "up")));
        if (kind == null) {
            assertInstanceOf(RetryLaterException.class, e);
            assertTrue(e.getMessage().contains("req-9"), e.getMessage());
        } else {
            assertEquals(kind, assertInstanceOf(NeverRetryException.class, e).kind());
        }
        assertEquals(error, e.getCause());
    }

    @Test
    void unsupportedRegexIsInvalidBeforeAnyQuery() {
        TimestreamSeriesReader reader = reader(q -> page(null));
        NeverRetryException e = assertThrows(NeverRetryException.class,
                () -> read(reader, Matcher.re("job", "\\p{Any}\\P{Any}")));
        assertEquals(NeverRetryException.Kind.INVALID, e.kind());
    }

    @Test
    void parsesTimestreamTimes() {
        assertEquals(0, TimestreamSeriesReader.parseTime("1970-01-01 00:00:00.000000000"));
        assertEquals(1_795_595_300_123L, TimestreamSeriesReader.parseTime("2026-11-25 08:28:20.123999999"));
        assertEquals(1_795_595_300_000L, TimestreamSeriesReader.parseTime("2026-11-25 08:28:20"));
        assertEquals(1_795_595_300_100L, TimestreamSeriesReader.parseTime("2026-11-25 08:28:20.1"));
        assertEquals(-1, TimestreamSeriesReader.parseTime("1969-12-31 23:59:59.999000000"));
    }

    @Test
    void timeParserThatRemembersTheDayAgreesWithTheFullParser() {
        TimestreamSeriesReader.TimeParser parser = new TimestreamSeriesReader.TimeParser();
        java.util.Random random = new java.util.Random(5);
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS");
        long base = 1_795_595_300_000L;
        for (int i = 0; i < 20_000; i++) {
            long ms = base + (random.nextInt(3) == 0 ? random.nextLong() % 100_000_000_000L : random.nextInt(200_000_000));
            String text = f.format(java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000
                    + random.nextInt(1_000_000), java.time.ZoneOffset.UTC));
            assertEquals(TimestreamSeriesReader.parseTime(text), parser.parse(text), text);
        }
    }
}
