package io.tsconnector.adapters.timestreamlocal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.DimensionValueType;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/**
 * Timestream's WriteRecords rules (limits, reserved names, CommonAttributes merging, value parsing),
 * shared by the embedded engine and anything else that must judge records exactly as the service does.
 */
public final class TimestreamRules {
    /** Records accepted by one WriteRecords call. */
    public static final int MAX_RECORDS_PER_CALL = 100;
    /** Maximum UTF-8 length of a measure name. */
    public static final int MAX_MEASURE_NAME_BYTES = 256;
    /** Maximum UTF-8 length of a dimension name. */
    public static final int MAX_DIMENSION_NAME_BYTES = 60;
    /** Maximum UTF-8 length of a dimension value. */
    public static final int MAX_DIMENSION_VALUE_BYTES = 2048;
    /** Distinct dimension names a table may ever hold. */
    public static final int MAX_DIMENSIONS_PER_TABLE = 128;
    /** Rows per Query page, the default and the maximum of MaxRows. */
    public static final int MAX_ROWS_PER_PAGE = 1000;
    /** Approximate bound of one Query page's payload. */
    public static final int MAX_PAGE_BYTES = 1024 * 1024;
    /** Version of a record written without one. */
    public static final long DEFAULT_VERSION = 1L;

    private TimestreamRules() {
    }

    /** A record merged with the call's CommonAttributes and found valid on its own. */
    public record ValidRecord(int index, String measureName, SortedMap<String, String> dimensions,
                              MeasureValueType type, Object value, long timeNanos, long version, String seriesKey) {
        /**
         * A record of the series {@code measureName} plus {@code dimensions}; its series key (see {@link #seriesKey()})
         * is built here once, as the engine needs it for its duplicate check and its series lookup alike.
         */
        public ValidRecord(int index, String measureName, SortedMap<String, String> dimensions,
                           MeasureValueType type, Object value, long timeNanos, long version) {
            this(index, measureName, dimensions, type, value, timeNanos, version, TimestreamRules.seriesKey(measureName, dimensions));
        }
    }

    /** Identity of a series: measure name plus sorted dimensions, unambiguous. */
    public static String seriesKey(String measureName, SortedMap<String, String> dimensions) {
        StringBuilder sb = new StringBuilder(measureName.length() + dimensions.size() * 24 + 8);
        sb.append(measureName.length()).append(':').append(measureName);
        for (Map.Entry<String, String> e : dimensions.entrySet()) {
            sb.append('|').append(e.getKey().length()).append(':').append(e.getKey())
                    .append('=').append(e.getValue().length()).append(':').append(e.getValue());
        }
        return sb.toString();
    }

    /** Outcome of checking a call: the valid records in call order and the rejected ones. */
    public record Checked(List<ValidRecord> valid, List<RejectedRecord> rejected) {
    }

    /**
     * Checks the request-level constraints that make Timestream refuse the whole call.
     *
     * @throws ValidationException when database, table or records are missing or there are over 100 records
     */
    public static void checkRequest(WriteRecordsRequest request) {
        if (request.databaseName() == null || request.databaseName().isEmpty()) {
            throw Errors.writeValidation("1 validation error detected: Value null at 'databaseName' failed to satisfy constraint: Member must not be null");
        }
        if (request.tableName() == null || request.tableName().isEmpty()) {
            throw Errors.writeValidation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        }
        int n = request.hasRecords() ? request.records().size() : 0;
        if (n == 0) {
            throw Errors.writeValidation("1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        if (n > MAX_RECORDS_PER_CALL) {
            throw Errors.writeValidation("1 validation error detected: Value at 'records' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + MAX_RECORDS_PER_CALL + " (got " + n + ")");
        }
    }

    /** Merges CommonAttributes into a record: the record's own fields win, dimensions are the union. */
    public static Record merge(Record common, Record record) {
        if (common == null) {
            return record;
        }
        Map<String, Dimension> dims = new LinkedHashMap<>();
        if (common.hasDimensions()) {
            common.dimensions().forEach(d -> dims.put(d.name(), d));
        }
        List<Dimension> own = record.hasDimensions() ? record.dimensions() : List.of();
        List<Dimension> merged = new ArrayList<>(dims.size() + own.size());
        for (Dimension d : own) {
            dims.remove(d.name());
        }
        merged.addAll(dims.values());
        merged.addAll(own);
        return Record.builder()
                .dimensions(merged)
                .measureName(record.measureName() != null ? record.measureName() : common.measureName())
                .measureValue(record.measureValue() != null ? record.measureValue() : common.measureValue())
                .measureValueType(record.measureValueTypeAsString() != null ? record.measureValueTypeAsString() : common.measureValueTypeAsString())
                .time(record.time() != null ? record.time() : common.time())
                .timeUnit(record.timeUnitAsString() != null ? record.timeUnitAsString() : common.timeUnitAsString())
                .version(record.version() != null ? record.version() : common.version())
                .build();
    }

    /** Checks the request and every record on its own (table state such as duplicates is the engine's part). */
    public static Checked check(WriteRecordsRequest request) {
        checkRequest(request);
        List<ValidRecord> valid = new ArrayList<>(request.records().size());
        List<RejectedRecord> rejected = new ArrayList<>();
        List<Record> records = request.records();
        Record common = request.commonAttributes();
        List<Dimension> commonDims = common != null && common.hasDimensions() && !common.dimensions().isEmpty()
                ? common.dimensions() : null;
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            try {
                // the fields of the record merged with the CommonAttributes (see merge), read without building it
                valid.add(checkFields(i, pick(r.measureName(), common, Record::measureName), mergedDimensions(commonDims, r),
                        pick(r.measureValueTypeAsString(), common, Record::measureValueTypeAsString),
                        pick(r.measureValue(), common, Record::measureValue), pick(r.time(), common, Record::time),
                        pick(r.timeUnitAsString(), common, Record::timeUnitAsString), pick(r.version(), common, Record::version)));
            } catch (IllegalArgumentException e) {
                rejected.add(rejection(i, e.getMessage(), null));
            }
        }
        return new Checked(Collections.unmodifiableList(valid), rejected);
    }

    /** Builds a RejectedRecord entry as the service reports it. */
    public static RejectedRecord rejection(int index, String reason, Long existingVersion) {
        return RejectedRecord.builder().recordIndex(index).reason(reason).existingVersion(existingVersion).build();
    }

    /**
     * Validates one merged record.
     *
     * @throws IllegalArgumentException with the rejection reason
     */
    public static ValidRecord checkRecord(int index, Record r) {
        return checkFields(index, r.measureName(), r.hasDimensions() ? r.dimensions() : List.of(), r.measureValueTypeAsString(),
                r.measureValue(), r.time(), r.timeUnitAsString(), r.version());
    }

    /** The record's own field, else the CommonAttributes' one (as {@link #merge} does). */
    private static <T> T pick(T own, Record common, java.util.function.Function<Record, T> field) {
        return own != null || common == null ? own : field.apply(common);
    }

    /**
     * The dimensions of a record merged with the CommonAttributes' ones, in {@link #merge}'s order: the common ones
     * the record does not name itself (one per name), then the record's own.
     */
    private static List<Dimension> mergedDimensions(List<Dimension> common, Record record) {
        List<Dimension> own = record.hasDimensions() ? record.dimensions() : List.of();
        if (common == null) {
            return own;
        }
        Map<String, Dimension> dims = new LinkedHashMap<>();
        common.forEach(d -> dims.put(d.name(), d));
        for (Dimension d : own) {
            dims.remove(d.name());
        }
        List<Dimension> merged = new ArrayList<>(dims.size() + own.size());
        merged.addAll(dims.values());
        merged.addAll(own);
        return merged;
    }

    private static ValidRecord checkFields(int index, String measureName, List<Dimension> dimensions, String typeText,
                                           String measureValue, String time, String unitText, Long recordVersion) {
        if (measureName == null || measureName.isEmpty()) {
            throw new IllegalArgumentException("Measure name must not be empty.");
        }
        if (utf8Length(measureName) > MAX_MEASURE_NAME_BYTES) {
            throw new IllegalArgumentException("Measure name exceeds the maximum supported length of "
                    + MAX_MEASURE_NAME_BYTES + " bytes (" + utf8Length(measureName) + " bytes).");
        }
        SortedMap<String, String> dims = new TreeMap<>();
        for (Dimension d : dimensions) {
            String problem = dimensionNameProblem(d.name());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (d.dimensionValueType() != null && d.dimensionValueType() != DimensionValueType.VARCHAR) {
                throw new IllegalArgumentException("Dimension value type " + d.dimensionValueTypeAsString()
                        + " of dimension '" + d.name() + "' is not supported; use VARCHAR.");
            }
            String value = d.value();
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("Dimension '" + d.name() + "' has an empty value.");
            }
            if (utf8Length(value) > MAX_DIMENSION_VALUE_BYTES) {
                throw new IllegalArgumentException("Dimension value of '" + d.name()
                        + "' exceeds the maximum supported length of " + MAX_DIMENSION_VALUE_BYTES
                        + " bytes (" + utf8Length(value) + " bytes).");
            }
            if (dims.put(d.name(), value) != null) {
                throw new IllegalArgumentException("Dimension '" + d.name() + "' appears more than once in the record.");
            }
        }
        MeasureValueType type = typeText == null ? MeasureValueType.DOUBLE : MeasureValueType.fromValue(typeText);
        Object value = parseValue(type, typeText, measureValue);
        long nanos = toNanos(time, unitText == null ? TimeUnit.MILLISECONDS : TimeUnit.fromValue(unitText), unitText);
        long version = recordVersion == null ? DEFAULT_VERSION : recordVersion;
        return new ValidRecord(index, measureName, Collections.unmodifiableSortedMap(dims), type, value, nanos, version);
    }

    /** Returns why a dimension name is not allowed, or null if it is fine. */
    public static String dimensionNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "Dimension name must not be empty.";
        }
        int len = utf8Length(name);
        if (len > MAX_DIMENSION_NAME_BYTES) {
            return "Dimension name '" + name + "' exceeds the maximum supported length of "
                    + MAX_DIMENSION_NAME_BYTES + " bytes (" + len + " bytes).";
        }
        if (isReservedName(name)) {
            return "Dimension name '" + name + "' is a reserved name: time, measure_name, and names starting with "
                    + "measure_value or ts_ cannot be used as dimension names.";
        }
        return null;
    }

    /** Names Timestream keeps for itself: {@code time}, {@code measure_name}, {@code measure_value*}, {@code ts_*}. */
    public static boolean isReservedName(String name) {
        if (isAscii(name)) {
            // the same answer as below without a lower-cased copy of every dimension name of every record
            return name.equalsIgnoreCase("time") || name.equalsIgnoreCase("measure_name")
                    || name.regionMatches(true, 0, "measure_value", 0, 13) || name.regionMatches(true, 0, "ts_", 0, 3);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("time") || lower.equals("measure_name")
                || lower.startsWith("measure_value") || lower.startsWith("ts_");
    }

    /**
     * Parses a measure value the way the service does.
     *
     * @throws IllegalArgumentException with the rejection reason
     */
    static Object parseValue(MeasureValueType type, String typeText, String text) {
        if (text == null) {
            throw new IllegalArgumentException("Measure value must not be null.");
        }
        switch (type) {
            case DOUBLE: {
                double d;
                try {
                    d = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Measure value '" + abbreviate(text) + "' is not a valid DOUBLE.");
                }
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("Measure value '" + abbreviate(text) + "' is not a finite DOUBLE.");
                }
                return d;
            }
            case BIGINT:
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Measure value '" + abbreviate(text) + "' is not a valid BIGINT.");
                }
            case BOOLEAN:
                if (text.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (text.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                throw new IllegalArgumentException("Measure value '" + abbreviate(text) + "' is not a valid BOOLEAN.");
            case VARCHAR:
                if (utf8Length(text) > MAX_DIMENSION_VALUE_BYTES) {
                    throw new IllegalArgumentException("VARCHAR measure value exceeds " + MAX_DIMENSION_VALUE_BYTES + " bytes.");
                }
                return text;
            default:
                throw new IllegalArgumentException("Measure value type " + typeText + " is not supported by the local engine.");
        }
    }

    /**
     * Converts a record time to epoch nanoseconds.
     *
     * @throws IllegalArgumentException with the rejection reason
     */
    static long toNanos(String time, TimeUnit unit, String unitText) {
        if (time == null || time.isEmpty()) {
            throw new IllegalArgumentException("Time must not be empty.");
        }
        long t;
        try {
            t = Long.parseLong(time);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Time '" + abbreviate(time) + "' is not a valid integer.");
        }
        long factor;
        if (unit == null) {
            throw new IllegalArgumentException("Time unit " + unitText + " is not supported.");
        }
        switch (unit) {
            case MILLISECONDS: factor = 1_000_000L; break;
            case SECONDS: factor = 1_000_000_000L; break;
            case MICROSECONDS: factor = 1_000L; break;
            case NANOSECONDS: factor = 1L; break;
            default: throw new IllegalArgumentException("Time unit " + unitText + " is not supported.");
        }
        if (t < 0) {
            throw new IllegalArgumentException("Time " + time + " is before the epoch.");
        }
        try {
            return Math.multiplyExact(t, factor);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("Time " + time + " " + unitText + " is out of range.");
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
