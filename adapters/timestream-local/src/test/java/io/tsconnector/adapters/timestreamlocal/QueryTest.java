package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.ScalarType;
import software.amazon.awssdk.services.timestreamquery.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

class QueryTest {
    private LocalTimestream ts;
    private TimestreamQueryClient q;

    @BeforeEach
    void open() {
        ts = LocalTimestream.open(Records.memName(), true);
        q = ts.queryClient();
        ts.writeClient().writeRecords(write("db", "metrics",
                rec("up", 1, 1795595100000L, "job", "x", "instance", "a1", "env", "prod"),
                rec("up", 2, 1795595200000L, "job", "x", "instance", "a1", "env", "prod"),
                rec("up", 3, 1795595200000L, "job", "x", "instance", "b1", "env", "dev"),
                rec("up", 4, 1795595300000L, "job", "x", "instance", "a2"),
                rec("up", 5, 1795595300000L, "job", "it's", "instance", "c1"),
                rec("down", 6, 1795595300000L, "job", "x", "instance", "a1"),
                rec("up", 7, 1795595999000L, "job", "x", "instance", "a1", "env", "prod")));
    }

    @AfterEach
    void close() {
        ts.close();
    }

    @Test
    void connectorReadQueryShape() {
        String sql = "SELECT * FROM \"db\".\"metrics\" WHERE measure_name = 'up' AND time BETWEEN from_milliseconds(1795595100000)"
                + " AND from_milliseconds(1795595400000) AND \"job\" = 'x' AND (\"env\" IS NULL OR \"env\" <> 'dev')"
                + " AND REGEXP_LIKE(\"instance\", '^(?:a.*)$') AND NOT REGEXP_LIKE(\"instance\", '^(?:b)$') AND \"job\" IS NOT NULL ORDER BY time";
        QueryResponse r = q.query(QueryRequest.builder().queryString(sql).build());
        assertEquals(List.of("env", "instance", "job", "measure_name", "time", "measure_value::double"),
                r.columnInfo().stream().map(ColumnInfo::name).toList());
        assertEquals(List.of(ScalarType.VARCHAR, ScalarType.VARCHAR, ScalarType.VARCHAR, ScalarType.VARCHAR, ScalarType.TIMESTAMP, ScalarType.DOUBLE),
                r.columnInfo().stream().map(c -> c.type().scalarType()).toList());
        assertEquals(List.of(
                Arrays.asList("prod", "a1", "x", "up", "2026-11-25 08:25:00.000000000", "1.0"),
                Arrays.asList("prod", "a1", "x", "up", "2026-11-25 08:26:40.000000000", "2.0"),
                Arrays.asList(null, "a2", "x", "up", "2026-11-25 08:28:20.000000000", "4.0")),
                r.rows().stream().map(Records::values).toList());
        assertNull(r.nextToken());
        assertNotNull(r.queryId());
    }

    @Test
    void isNullOnDimensionNeverWrittenForASeries() {
        assertEquals(List.of(List.of("a2"), List.of("c1")), queryAll(q,
                "SELECT \"instance\" FROM \"db\".\"metrics\" WHERE \"env\" IS NULL AND measure_name = 'up' ORDER BY \"instance\""));
    }

    @Test
    void escapedQuotesInLiteralsAndIdentifiers() {
        assertEquals(List.of(List.of("c1")), queryAll(q, "SELECT \"instance\" FROM \"db\".\"metrics\" WHERE \"job\" = 'it''s'"));
        ts.writeClient().writeRecords(write("db", "metrics", rec("up", 1, 1, "we\"ird", "v\"1")));
        assertEquals(List.of(List.of("v\"1")), queryAll(q,
                "SELECT \"we\"\"ird\" FROM \"db\".\"metrics\" WHERE \"we\"\"ird\" = 'v\"1'"));
    }

    @Test
    void measureNameOperatorsInAndOr() {
        assertEquals(List.of(List.of("down")), queryAll(q, "SELECT DISTINCT measure_name FROM \"db\".\"metrics\" WHERE measure_name <> 'up'"));
        assertEquals(List.of(List.of("down")), queryAll(q, "SELECT DISTINCT measure_name FROM \"db\".\"metrics\" WHERE REGEXP_LIKE(measure_name, '^(?:d.*)$')"));
        assertEquals(List.of(List.of("3.0"), List.of("5.0")), queryAll(q,
                "SELECT measure_value::double FROM \"db\".\"metrics\" WHERE \"instance\" IN ('b1', 'c1') OR (measure_value::double > 100) ORDER BY measure_value::double"));
        assertEquals(List.of(List.of("7.0")), queryAll(q,
                "SELECT max(measure_value::double) FROM \"db\".\"metrics\" WHERE NOT (measure_name = 'down')"));
    }

    @Test
    void regexUsesFindSemanticsLikeTimestream() {
        assertEquals(6, queryAll(q, "SELECT 1 FROM \"db\".\"metrics\" WHERE REGEXP_LIKE(\"instance\", '1')").size());
        assertEquals(0, queryAll(q, "SELECT 1 FROM \"db\".\"metrics\" WHERE REGEXP_LIKE(\"instance\", '^1$')").size());
    }

    @Test
    void orderByAnyColumnsAndTimeFunctions() {
        assertEquals(List.of(List.of("c1", "1795595300000"), List.of("b1", "1795595200000")), queryAll(q,
                "SELECT \"instance\", to_milliseconds(time) FROM \"db\".\"metrics\" WHERE \"instance\" IN ('b1','c1') ORDER BY \"instance\" DESC, time"));
    }

    @Test
    void unknownColumnIsAValidationError() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> q.query(QueryRequest.builder().queryString("SELECT * FROM \"db\".\"metrics\" WHERE \"foo\" = 'x'").build()));
        assertTrue(e.getMessage().startsWith("Column 'foo' does not exist"), e.getMessage());
    }

    @Test
    void unknownTableOrDatabaseIsAValidationError() {
        ValidationException t = assertThrows(ValidationException.class,
                () -> q.query(QueryRequest.builder().queryString("SELECT * FROM \"db\".\"nope\"").build()));
        assertTrue(t.getMessage().contains("does not exist or is not authorized"), t.getMessage());
        ValidationException d = assertThrows(ValidationException.class,
                () -> q.query(QueryRequest.builder().queryString("SELECT * FROM \"nodb\".\"metrics\"").build()));
        assertTrue(d.getMessage().contains("does not exist or is not authorized"), d.getMessage());
        ValidationException d2 = assertThrows(ValidationException.class,
                () -> q.query(QueryRequest.builder().queryString("DESCRIBE \"db\".\"nope\"").build()));
        assertTrue(d2.getMessage().contains("does not exist"), d2.getMessage());
    }

    @Test
    void invalidSqlIsAValidationErrorNeverAnH2Exception() {
        for (String sql : List.of("SELECT FROM WHERE", "SELECT * FROM \"db\".\"metrics\" WHERE \"job\" = 'x",
                "DROP TABLE \"db\".\"metrics\"", "SELECT 1; SELECT 2", "SELECT * FROM \"db\".\"metrics\" WHERE REGEXP_LIKE(\"job\", '(')",
                "SELECT nosuchfunction(1)", "SELECT * FROM metrics", "", "SELECT # FROM x")) {
            assertThrows(ValidationException.class, () -> q.query(QueryRequest.builder().queryString(sql).build()), sql);
        }
    }

    @Test
    void describeListsColumnsLikeTimestream() {
        assertEquals(List.of(
                List.of("env", "varchar", "DIMENSION"),
                List.of("instance", "varchar", "DIMENSION"),
                List.of("job", "varchar", "DIMENSION"),
                List.of("measure_name", "varchar", "MEASURE_NAME"),
                List.of("time", "timestamp", "TIMESTAMP"),
                List.of("measure_value::double", "double", "MEASURE_VALUE")), queryAll(q, "DESCRIBE \"db\".\"metrics\""));
        QueryResponse r = q.query(QueryRequest.builder().queryString("DESCRIBE \"db\".\"metrics\"").build());
        assertEquals(List.of("Column", "Type", "Timestream attribute type"), r.columnInfo().stream().map(ColumnInfo::name).toList());
        assertEquals(List.of(List.of("db")), queryAll(q, "SHOW DATABASES"));
        assertEquals(List.of(List.of("metrics")), queryAll(q, "SHOW TABLES FROM \"db\""));
    }

    @Test
    void paginationOverMoreThan1000Rows() {
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            batch.add(rec("page", i, 1_000_000L + i, "job", "p"));
            if (batch.size() == 100) {
                ts.writeClient().writeRecords(write("db", "metrics", batch));
                batch.clear();
            }
        }
        String sql = "SELECT measure_value::double FROM \"db\".\"metrics\" WHERE measure_name = 'page' ORDER BY time";
        QueryResponse first = q.query(QueryRequest.builder().queryString(sql).build());
        assertEquals(1000, first.rows().size());
        assertNotNull(first.nextToken());
        QueryResponse small = q.query(QueryRequest.builder().queryString(sql).maxRows(7).build());
        assertEquals(7, small.rows().size());
        List<List<String>> all = queryAll(q, sql);
        assertEquals(2500, all.size());
        for (int i = 0; i < 2500; i++) {
            assertEquals(Double.toString(i), all.get(i).get(0));
        }
        QueryResponse second = q.query(QueryRequest.builder().queryString(sql).nextToken(first.nextToken()).build());
        assertEquals("1000.0", Records.values(second.rows().get(0)).get(0));
        assertThrows(ValidationException.class, () -> q.query(QueryRequest.builder().queryString(sql).nextToken("bogus:1").build()));
        assertThrows(ValidationException.class, () -> q.query(QueryRequest.builder().queryString("SELECT 1").nextToken(first.nextToken()).build()));
        assertThrows(ValidationException.class, () -> q.query(QueryRequest.builder().queryString(sql).maxRows(1001).build()));
    }

    @Test
    void pagesAreBoundedToAboutOneMegabyte() {
        List<Record> batch = new ArrayList<>();
        String big = "v".repeat(2000);
        for (int i = 0; i < 1000; i++) {
            batch.add(rec("wide", i, 5_000_000L + i, "job", big + i));
            if (batch.size() == 100) {
                ts.writeClient().writeRecords(write("db", "metrics", batch));
                batch.clear();
            }
        }
        String sql = "SELECT \"job\" FROM \"db\".\"metrics\" WHERE measure_name = 'wide'";
        QueryResponse first = q.query(QueryRequest.builder().queryString(sql).build());
        assertTrue(first.rows().size() < 1000 && first.rows().size() > 100, "rows: " + first.rows().size());
        assertNotNull(first.nextToken());
        assertEquals(1000, queryAll(q, sql).size());
    }

    @Test
    void forcedEmptyFirstPage() {
        ts.forceEmptyFirstPage(true);
        String sql = "SELECT measure_value::double FROM \"db\".\"metrics\" WHERE \"instance\" = 'c1'";
        QueryResponse first = q.query(QueryRequest.builder().queryString(sql).build());
        assertEquals(0, first.rows().size());
        assertNotNull(first.nextToken());
        assertEquals(1, first.columnInfo().size());
        QueryResponse second = q.query(QueryRequest.builder().queryString(sql).nextToken(first.nextToken()).build());
        assertEquals(List.of(List.of("5.0")), second.rows().stream().map(Records::values).toList());
        assertNull(second.nextToken());
        assertEquals(List.of(), queryAll(q, "SELECT 1 FROM \"db\".\"metrics\" WHERE \"instance\" = 'none'"));
    }

    @Test
    void aPageSizeSettingSplitsEveryAnswerIntoPagesOfThatManyRows() {
        ts.pageRows(2);
        String sql = "SELECT measure_value::double FROM \"db\".\"metrics\" ORDER BY measure_value::double";
        QueryResponse first = q.query(QueryRequest.builder().queryString(sql).build());
        assertEquals(2, first.rows().size());
        assertNotNull(first.nextToken());
        QueryResponse asked = q.query(QueryRequest.builder().queryString(sql).maxRows(1).build());
        assertEquals(1, asked.rows().size(), "a smaller maxRows of the request still applies");
        assertEquals(List.of("1.0", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0"),
                queryAll(q, sql).stream().map(r -> r.get(0)).toList());
        assertThrows(IllegalArgumentException.class, () -> ts.pageRows(0));
        assertThrows(IllegalArgumentException.class, () -> ts.pageRows(1001));
    }
}
