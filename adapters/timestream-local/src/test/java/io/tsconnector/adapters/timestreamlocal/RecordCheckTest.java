package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.dims;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.DimensionValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * The checks of a call read each record's fields merged with the CommonAttributes without building the merged
 * record: every outcome (valid record, or rejection reason) must be the one of checking the merged record.
 */
class RecordCheckTest {
    static Stream<Arguments> calls() {
        Record typed = Record.builder().measureValueType("DOUBLE").timeUnit("MILLISECONDS").build();
        return Stream.of(
                Arguments.of("no common attributes", null, List.of(
                        Record.builder().measureName("m").measureValue("1.5").time("1000").dimensions(dims("a", "1")).build())),
                Arguments.of("common name, time, type, unit and dimensions; records add their own",
                        Record.builder().measureName("m").time("2000").measureValueType("DOUBLE").timeUnit("MILLISECONDS")
                                .dimensions(dims("job", "j", "instance", "i")).build(),
                        List.of(Record.builder().measureValue("1").dimensions(dims("code", "200")).build(),
                                Record.builder().measureValue("2").build())),
                Arguments.of("a record's dimension of a common name wins and keeps its own position",
                        Record.builder().measureName("m").time("3000").dimensions(dims("job", "j", "zone", "z")).build(),
                        List.of(Record.builder().measureValue("1").dimensions(dims("job", "override")).build())),
                Arguments.of("a name twice among the common dimensions: the last value counts",
                        Record.builder().measureName("m").time("3000").dimensions(dims("job", "first", "job", "second")).build(),
                        List.of(Record.builder().measureValue("1").build())),
                Arguments.of("a name twice among a record's own dimensions is rejected",
                        Record.builder().measureName("m").time("3000").dimensions(dims("zone", "z")).build(),
                        List.of(Record.builder().measureValue("1").dimensions(dims("a", "1", "a", "2")).build())),
                Arguments.of("the record's fields win over the common ones",
                        Record.builder().measureName("common").time("1").measureValueType("BIGINT").timeUnit("SECONDS").version(7L).build(),
                        List.of(Record.builder().measureName("own").measureValue("2.5").measureValueType("DOUBLE").time("5000")
                                .timeUnit("MILLISECONDS").version(9L).build(),
                                Record.builder().measureValue("42").build())),
                Arguments.of("unknown type and unit texts, from the common attributes or the record",
                        Record.builder().measureName("m").time("1").measureValueType("DECIMAL").build(),
                        List.of(Record.builder().measureValue("1").build(),
                                Record.builder().measureValue("1").measureValueType("DOUBLE").timeUnit("WEEKS").build())),
                Arguments.of("invalid values, times and dimensions, one per record, first problem reported", typed, List.of(
                        Record.builder().measureName("m").measureValue("x").time("1").build(),
                        Record.builder().measureName("m").measureValue("NaN").time("1").build(),
                        Record.builder().measureName("m").measureValue("1").time("-5").build(),
                        Record.builder().measureName("m").measureValue("1").time("soon").build(),
                        Record.builder().measureName("").measureValue("1").time("1").build(),
                        Record.builder().measureName("m").measureValue("1").time("1").dimensions(dims("Time", "t", "b", "")).build(),
                        Record.builder().measureName("m").measureValue("1").time("1").dimensions(dims("b", "", "TS_x", "t")).build(),
                        Record.builder().measureName("m").measureValue("1").time("1").dimensions(List.of(Dimension.builder()
                                .name("d").value("v").dimensionValueType(DimensionValueType.UNKNOWN_TO_SDK_VERSION).build())).build(),
                        Record.builder().measureName("m").time("1").build())),
                Arguments.of("a common dimension with an empty value is every record's problem",
                        Record.builder().measureName("m").time("1").dimensions(dims("job", "")).build(),
                        List.of(Record.builder().measureValue("1").build(),
                                Record.builder().measureValue("2").dimensions(dims("job", "j")).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void checkingACallMatchesCheckingEachMergedRecord(String name, Record common, List<Record> records) {
        WriteRecordsRequest request = WriteRecordsRequest.builder().databaseName("db").tableName("t")
                .commonAttributes(common).records(records).build();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                expected.add(TimestreamRules.checkRecord(i, TimestreamRules.merge(common, records.get(i))).toString());
            } catch (IllegalArgumentException e) {
                expected.add(i + " rejected: " + e.getMessage());
            }
        }
        TimestreamRules.Checked checked = TimestreamRules.check(request);
        List<String> actual = new ArrayList<>();
        checked.valid().forEach(v -> actual.add(v.toString()));
        for (RejectedRecord r : checked.rejected()) {
            actual.add(r.recordIndex() + " rejected: " + r.reason());
        }
        actual.sort(null);
        expected.sort(null);
        assertEquals(expected, actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"time", "TIME", "Time", "times", "tim", "measure_name", "Measure_Name", "measure_names",
        "measure_value", "MEASURE_VALUE::double", "measure_valu", "ts_", "TS_id", "Ts_x", "ts", "t_s", "job",
        "tİme", "ts_ä", "mesure_value", "\u212Aelvin", "measure_valueß", "ıime"})
    void reservedNamesAreTheLowerCaseRule(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean expected = lower.equals("time") || lower.equals("measure_name")
                || lower.startsWith("measure_value") || lower.startsWith("ts_");
        assertEquals(expected, TimestreamRules.isReservedName(name), name);
    }
}
