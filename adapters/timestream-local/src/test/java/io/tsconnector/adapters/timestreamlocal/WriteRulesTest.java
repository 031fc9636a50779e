package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.ConflictException;
import software.amazon.awssdk.services.timestreamwrite.model.CreateDatabaseRequest;
import software.amazon.awssdk.services.timestreamwrite.model.CreateTableRequest;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeTableRequest;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.ListTablesRequest;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

class WriteRulesTest {
    private LocalTimestream ts;
    private TimestreamWriteClient w;

    @BeforeEach
    void open() {
        ts = LocalTimestream.open(Records.memName(), true);
        w = ts.writeClient();
    }

    @AfterEach
    void close() {
        ts.close();
    }

    private long count(String db, String table) {
        return Long.parseLong(queryAll(ts.queryClient(), "SELECT count(*) FROM \"" + db + "\".\"" + table + "\"").get(0).get(0));
    }

    private List<RejectedRecord> rejected(WriteRecordsRequest request) {
        return assertThrows(RejectedRecordsException.class, () -> w.writeRecords(request)).rejectedRecords();
    }

    @Test
    void storesRecordsAndReportsIngestedCount() {
        var r = w.writeRecords(write("db1", "t1", rec("up", 1, 1000, "job", "a"), rec("up", 2, 2000, "job", "a")));
        assertEquals(2, r.recordsIngested().total());
        assertEquals(2, r.recordsIngested().memoryStore());
        assertEquals(2, count("db1", "t1"));
    }

    @Test
    void moreThan100RecordsIsAValidationErrorAndStoresNothing() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            records.add(rec("up", i, 1000 + i, "job", "a"));
        }
        assertThrows(ValidationException.class, () -> w.writeRecords(write("db1", "t1", records)));
        w.writeRecords(write("db1", "t1", records.subList(0, 100)));
        assertEquals(100, count("db1", "t1"));
    }

    @Test
    void commonAttributesAreMergedRecordFieldsWin() {
        Record common = Record.builder().measureName("up").measureValueType(MeasureValueType.DOUBLE)
                .timeUnit(TimeUnit.SECONDS).dimensions(Records.dims("job", "common", "env", "prod")).build();
        Record a = Record.builder().measureValue("1.5").time("10").build();
        Record b = Record.builder().measureValue("2.5").time("20").measureName("down")
                .dimensions(Records.dims("job", "own", "zone", "z1")).build();
        w.writeRecords(WriteRecordsRequest.builder().databaseName("db1").tableName("t1").commonAttributes(common).records(a, b).build());
        List<List<String>> rows = queryAll(ts.queryClient(),
                "SELECT \"env\", \"job\", \"zone\", measure_name, time, measure_value::double FROM \"db1\".\"t1\" ORDER BY time");
        assertEquals(List.of(
                java.util.Arrays.asList("prod", "common", null, "up", "1970-01-01 00:00:10.000000000", "1.5"),
                java.util.Arrays.asList("prod", "own", "z1", "down", "1970-01-01 00:00:20.000000000", "2.5")), rows);
    }

    @Test
    void measureNameLengthIsLimitedTo256Bytes() {
        String ok = "m".repeat(256);
        String tooLong = "m".repeat(257);
        String multiByte = "é".repeat(129); // 258 bytes in UTF-8
        List<RejectedRecord> r = rejected(write("db1", "t1", rec(ok, 1, 1), rec(tooLong, 1, 1), rec(multiByte, 1, 1), rec("", 1, 1)));
        assertEquals(List.of(1, 2, 3), r.stream().map(RejectedRecord::recordIndex).toList());
        assertTrue(r.get(0).reason().contains("256"), r.get(0).reason());
        assertEquals(1, count("db1", "t1"), "the valid record of the call is stored");
    }

    @Test
    void dimensionNameLengthIsLimitedTo60Bytes() {
        List<RejectedRecord> r = rejected(write("db1", "t1",
                rec("up", 1, 1, "d".repeat(60), "v"), rec("up", 1, 2, "d".repeat(61), "v")));
        assertEquals(1, r.size());
        assertEquals(1, r.get(0).recordIndex());
        assertTrue(r.get(0).reason().contains("60"), r.get(0).reason());
    }

    @Test
    void dimensionValueIsLimitedTo2048BytesAndMustNotBeEmpty() {
        List<RejectedRecord> r = rejected(write("db1", "t1",
                rec("up", 1, 1, "job", "v".repeat(2048)),
                rec("up", 1, 2, "job", "v".repeat(2049)),
                rec("up", 1, 3, "job", "ü".repeat(1025)),
                rec("up", 1, 4, "job", "")));
        assertEquals(List.of(1, 2, 3), r.stream().map(RejectedRecord::recordIndex).toList());
        assertEquals(1, count("db1", "t1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"time", "measure_name", "measure_value", "measure_value::double", "ts_x", "TIME", "Measure_Name"})
    void reservedNamesCannotBeDimensions(String name) {
        List<RejectedRecord> r = rejected(write("db1", "t1", rec("up", 1, 1, name, "v")));
        assertEquals(0, r.get(0).recordIndex());
        assertTrue(r.get(0).reason().contains("reserved"), r.get(0).reason());
    }

    @Test
    void atMost128DimensionNamesPerTableOverItsLife() {
        for (int call = 0; call < 4; call++) {
            String[] dims = new String[64];
            for (int i = 0; i < 32; i++) {
                dims[2 * i] = "d" + (call * 32 + i);
                dims[2 * i + 1] = "v";
            }
            w.writeRecords(write("db1", "t1", rec("up", 1, call, dims)));
        }
        List<RejectedRecord> r = rejected(write("db1", "t1", rec("up", 1, 10, "d999", "v"), rec("up", 1, 11, "d0", "v")));
        assertEquals(1, r.size());
        assertEquals(0, r.get(0).recordIndex());
        assertTrue(r.get(0).reason().contains("128"), r.get(0).reason());
        assertEquals(5, count("db1", "t1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "abc", ""})
    void doubleValuesMustBeFinite(String value) {
        Record bad = Record.builder().measureName("up").measureValue(value).measureValueType(MeasureValueType.DOUBLE)
                .time("1").dimensions(Records.dims("job", "a")).build();
        List<RejectedRecord> r = rejected(write("db1", "t1", bad));
        assertEquals(0, r.get(0).recordIndex());
    }

    @Test
    void otherScalarTypesAreStored() {
        Record big = Record.builder().measureName("n").measureValue("9007199254740993").measureValueType(MeasureValueType.BIGINT).time("1").build();
        Record str = Record.builder().measureName("s").measureValue("hello").measureValueType(MeasureValueType.VARCHAR).time("1").build();
        Record bool = Record.builder().measureName("b").measureValue("true").measureValueType(MeasureValueType.BOOLEAN).time("1").build();
        w.writeRecords(write("db1", "t1", big, str, bool));
        assertEquals(List.of(List.of("9007199254740993")), queryAll(ts.queryClient(),
                "SELECT measure_value::bigint FROM \"db1\".\"t1\" WHERE measure_name = 'n'"));
        assertEquals(List.of(List.of("hello", "true")), queryAll(ts.queryClient(),
                "SELECT measure_value::varchar, (SELECT measure_value::boolean FROM \"db1\".\"t1\" WHERE measure_name = 'b') FROM \"db1\".\"t1\" WHERE measure_name = 's'"));
    }

    @Test
    void timeUnitsAllMapToTheSameInstant() {
        Record base = rec("up", 1, 0, "job", "a");
        w.writeRecords(write("db1", "t1",
                base.toBuilder().time("1").timeUnit(TimeUnit.SECONDS).dimensions(Records.dims("u", "s")).build(),
                base.toBuilder().time("1000").timeUnit(TimeUnit.MILLISECONDS).dimensions(Records.dims("u", "ms")).build(),
                base.toBuilder().time("1000000").timeUnit(TimeUnit.MICROSECONDS).dimensions(Records.dims("u", "us")).build(),
                base.toBuilder().time("1000000001").timeUnit(TimeUnit.NANOSECONDS).dimensions(Records.dims("u", "ns")).build()));
        List<List<String>> rows = queryAll(ts.queryClient(), "SELECT \"u\", time FROM \"db1\".\"t1\" ORDER BY \"u\"");
        assertEquals(List.of(
                List.of("ms", "1970-01-01 00:00:01.000000000"),
                List.of("ns", "1970-01-01 00:00:01.000000001"),
                List.of("s", "1970-01-01 00:00:01.000000000"),
                List.of("us", "1970-01-01 00:00:01.000000000")), rows);
        List<RejectedRecord> r = rejected(write("db1", "t1", base.toBuilder().time("x").build(),
                base.toBuilder().timeUnit("FORTNIGHTS").build()));
        assertEquals(2, r.size());
    }

    @Test
    void duplicateWithDifferentValueIsRejectedWithExistingVersion() {
        w.writeRecords(write("db1", "t1", rec("up", 1, 1000, "job", "a", "env", "x")));
        List<RejectedRecord> r = rejected(write("db1", "t1",
                rec("up", 2, 1000, "env", "x", "job", "a"),   // same key, other dimension order, other value
                rec("up", 2, 1001, "job", "a", "env", "x")));
        assertEquals(1, r.size());
        assertEquals(0, r.get(0).recordIndex());
        assertEquals(1L, r.get(0).existingVersion());
        assertEquals(2, count("db1", "t1"));
        assertEquals(List.of(List.of("1.0")), queryAll(ts.queryClient(),
                "SELECT measure_value::double FROM \"db1\".\"t1\" WHERE time = from_milliseconds(1000)"));
    }

    @Test
    void identicalRecordIsAcceptedAgainWithoutDuplicating() {
        w.writeRecords(write("db1", "t1", rec("up", 1, 1000, "job", "a")));
        var r = w.writeRecords(write("db1", "t1", rec("up", 1, 1000, "job", "a")));
        assertEquals(1, r.recordsIngested().total());
        assertEquals(1, count("db1", "t1"));
    }

    @Test
    void higherVersionUpdatesTheValue() {
        w.writeRecords(write("db1", "t1", rec("up", 1, 1000, "job", "a")));
        w.writeRecords(write("db1", "t1", rec("up", 5, 1000, "job", "a").toBuilder().version(2L).build()));
        assertEquals(List.of(List.of("5.0")), queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db1\".\"t1\""));
    }

    @Test
    void sameKeyTwiceInOneCallRejectsTheSecondWithAnotherValue() {
        List<RejectedRecord> r = rejected(write("db1", "t1",
                rec("up", 1, 1000, "job", "a"), rec("up", 1, 1000, "job", "a"), rec("up", 2, 1000, "job", "a")));
        assertEquals(1, r.size());
        assertEquals(2, r.get(0).recordIndex());
        assertEquals(1, count("db1", "t1"));
    }

    @Test
    void sameTimeInDifferentSeriesIsNotADuplicate() {
        w.writeRecords(write("db1", "t1", rec("up", 1, 1000, "job", "a"), rec("up", 2, 1000, "job", "b"),
                rec("up", 3, 1000), rec("down", 4, 1000, "job", "a")));
        assertEquals(4, count("db1", "t1"));
    }

    @Test
    void unknownDatabaseOrTableIsNotFoundWithoutAutoCreate() {
        try (LocalTimestream strict = LocalTimestream.open(Records.memName(), false)) {
            TimestreamWriteClient sw = strict.writeClient();
            var e = assertThrows(ResourceNotFoundException.class, () -> sw.writeRecords(write("nodb", "t1", rec("up", 1, 1))));
            assertTrue(e.getMessage().startsWith("The database nodb does not exist."), e.getMessage());
            sw.createDatabase(CreateDatabaseRequest.builder().databaseName("db1").build());
            var t = assertThrows(ResourceNotFoundException.class, () -> sw.writeRecords(write("db1", "nt1", rec("up", 1, 1))));
            assertTrue(t.getMessage().startsWith("The table nt1 does not exist."), t.getMessage());
            sw.createTable(CreateTableRequest.builder().databaseName("db1").tableName("t1").build());
            assertEquals(1, sw.writeRecords(write("db1", "t1", rec("up", 1, 1))).recordsIngested().total());
            assertThrows(ConflictException.class, () -> sw.createDatabase(CreateDatabaseRequest.builder().databaseName("db1").build()));
            assertThrows(ConflictException.class, () -> sw.createTable(CreateTableRequest.builder().databaseName("db1").tableName("t1").build()));
            assertEquals("t1", sw.describeTable(DescribeTableRequest.builder().databaseName("db1").tableName("t1").build()).table().tableName());
            assertEquals(1, sw.listTables(ListTablesRequest.builder().databaseName("db1").build()).tables().size());
            assertThrows(ResourceNotFoundException.class, () -> sw.describeTable(DescribeTableRequest.builder().databaseName("db1").tableName("zz1").build()));
        }
    }

    @Test
    void missingDimensionValueIsRejectedNotCrashed() {
        Record r = Record.builder().measureName("up").measureValue("1").time("1")
                .dimensions(Dimension.builder().name("job").build()).build();
        assertEquals(0, rejected(write("db1", "t1", r)).get(0).recordIndex());
        assertNull(rejected(write("db1", "t1", r)).get(0).existingVersion());
    }
}
