package io.tsconnector.adapters.timestream;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamquery.model.ScalarType;
import software.amazon.awssdk.services.timestreamquery.model.Type;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsResponse;

/**
 * Test fake of Timestream behind the SDK client interfaces: stores records in maps with Timestream's write
 * rules (identical record accepted again, different value rejected with its index) and evaluates the SQL
 * the reader generates with SQL NULL semantics, answering in pages.
 */
final class FakeTimestream {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS")
            .withZone(ZoneOffset.UTC);

    /** One stored record's identity: dimensions, measure name, time. */
    record Key(TreeMap<String, String> dimensions, String measureName, long timeMs) {
    }

    private final Map<String, Map<Key, String>> tables = new LinkedHashMap<>();
    private final int pageSize;
    private final boolean emptyFirstPage;
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger describes = new AtomicInteger();
    final List<String> sql = new ArrayList<>();

    FakeTimestream(int pageSize, boolean emptyFirstPage) {
        this.pageSize = pageSize;
        this.emptyFirstPage = emptyFirstPage;
    }

    TimestreamWriteClient writeClient() {
        return new TimestreamWriteClient() {
            @Override
            public WriteRecordsResponse writeRecords(WriteRecordsRequest request) {
                return write(request);
            }

            @Override
            public String serviceName() {
                return "timestream";
            }

            @Override
            public void close() {
            }
        };
    }

    TimestreamQueryClient queryClient() {
        return new TimestreamQueryClient() {
            @Override
            public QueryResponse query(QueryRequest request) {
                return FakeTimestream.this.query(request);
            }

            @Override
            public String serviceName() {
                return "timestream";
            }

            @Override
            public void close() {
            }
        };
    }

    synchronized WriteRecordsResponse write(WriteRecordsRequest request) {
        if (request.records().size() > 100) {
            throw ValidationException.builder().message("more than 100 records: " + request.records().size()).build();
        }
        Map<Key, String> table = tables.computeIfAbsent(request.databaseName() + "." + request.tableName(),
                k -> new LinkedHashMap<>());
        Record common = request.commonAttributes() == null ? Record.builder().build() : request.commonAttributes();
        List<RejectedRecord> rejected = new ArrayList<>();
        for (int i = 0; i < request.records().size(); i++) {
            Record r = request.records().get(i);
            TreeMap<String, String> dims = new TreeMap<>();
            for (Dimension d : common.dimensions()) {
                dims.put(d.name(), d.value());
            }
            for (Dimension d : r.dimensions()) {
                dims.put(d.name(), d.value());
            }
            String measure = r.measureName() != null ? r.measureName() : common.measureName();
            MeasureValueType type = r.measureValueType() != null ? r.measureValueType() : common.measureValueType();
            TimeUnit unit = r.timeUnit() != null ? r.timeUnit() : common.timeUnit();
            if (type != MeasureValueType.DOUBLE || unit != TimeUnit.MILLISECONDS || measure == null) {
                throw ValidationException.builder().message("record " + i + " lacks type, unit or measure name").build();
            }
            Key key = new Key(dims, measure, Long.parseLong(r.time() != null ? r.time() : common.time()));
            String value = r.measureValue();
            String old = table.putIfAbsent(key, value);
            if (old != null && Double.doubleToRawLongBits(Double.parseDouble(old))
                    != Double.doubleToRawLongBits(Double.parseDouble(value))) {
                rejected.add(RejectedRecord.builder().recordIndex(i).existingVersion(1L)
                        .reason("A record with the same dimensions, time and measure name already exists with a different measure value")
                        .build());
            }
        }
        if (!rejected.isEmpty()) {
            throw RejectedRecordsException.builder().message("One or more records have been rejected")
                    .rejectedRecords(rejected).build();
        }
        return WriteRecordsResponse.builder().build();
    }

    private static final Pattern DESCRIBE = Pattern.compile("DESCRIBE \"((?:[^\"]|\"\")*)\"\\.\"((?:[^\"]|\"\")*)\"");

    synchronized QueryResponse query(QueryRequest request) {
        String text = request.queryString();
        List<List<Datum>> rows = new ArrayList<>();
        List<ColumnInfo> columns = new ArrayList<>();
        var describe = DESCRIBE.matcher(text);
        if (describe.matches()) {
            describes.incrementAndGet();
            Map<Key, String> table = table(describe.group(1).replace("\"\"", "\""), describe.group(2).replace("\"\"", "\""));
            columns.add(column("Column", ScalarType.VARCHAR));
            columns.add(column("Type", ScalarType.VARCHAR));
            columns.add(column("Timestream attribute type", ScalarType.VARCHAR));
            for (String d : dimensionNames(table)) {
                rows.add(List.of(text(d), text("varchar"), text("DIMENSION")));
            }
            rows.add(List.of(text("measure_name"), text("varchar"), text("MEASURE_NAME")));
            rows.add(List.of(text("time"), text("timestamp"), text("TIMESTAMP")));
            rows.add(List.of(text("measure_value::double"), text("double"), text("MEASURE_VALUE")));
        } else {
            queries.incrementAndGet();
            sql.add(text);
            FakeSql.Select select = FakeSql.parse(text);
            Map<Key, String> table = table(select.database(), select.table());
            TreeSet<String> dims = dimensionNames(table);
            Function<FakeSql.Row, Object> where = select.where().bind(dims);
            for (String d : dims) {
                columns.add(column(d, ScalarType.VARCHAR));
            }
            columns.add(column("measure_name", ScalarType.VARCHAR));
            columns.add(column("time", ScalarType.TIMESTAMP));
            columns.add(column("measure_value::double", ScalarType.DOUBLE));
            for (Map.Entry<Key, String> e : table.entrySet()) {
                Key k = e.getKey();
                if (Boolean.TRUE.equals(where.apply(new FakeSql.Row(k.dimensions(), k.measureName(), k.timeMs())))) {
                    List<Datum> row = new ArrayList<>();
                    for (String d : dims) {
                        String v = k.dimensions().get(d);
                        row.add(v == null ? Datum.builder().nullValue(true).build() : text(v));
                    }
                    row.add(text(k.measureName()));
                    row.add(text(TIME.format(Instant.ofEpochMilli(k.timeMs()))));
                    row.add(text(e.getValue()));
                    rows.add(row);
                }
            }
        }
        // the token is the index of the next row; an "empty" token first answers a page without rows
        String token = request.nextToken();
        int from;
        if (token == null && emptyFirstPage) {
            return QueryResponse.builder().queryId("q").columnInfo(columns).rows(List.of()).nextToken("0").build();
        }
        from = token == null ? 0 : Integer.parseInt(token);
        int to = Math.min(rows.size(), from + pageSize);
        List<Row> page = new ArrayList<>();
        for (List<Datum> r : rows.subList(from, to)) {
            page.add(Row.builder().data(r).build());
        }
        return QueryResponse.builder().queryId("q").columnInfo(columns).rows(page)
                .nextToken(to < rows.size() ? Integer.toString(to) : null).build();
    }

    private Map<Key, String> table(String db, String table) {
        Map<Key, String> t = tables.get(db + "." + table);
        if (t == null) {
            throw software.amazon.awssdk.services.timestreamquery.model.ValidationException.builder()
                    .message("The table " + table + " does not exist.").build();
        }
        return t;
    }

    synchronized int recordCount() {
        return tables.values().stream().mapToInt(Map::size).sum();
    }

    private static TreeSet<String> dimensionNames(Map<Key, String> table) {
        TreeSet<String> names = new TreeSet<>();
        for (Key k : table.keySet()) {
            names.addAll(k.dimensions().keySet());
        }
        return names;
    }

    private static ColumnInfo column(String name, ScalarType type) {
        return ColumnInfo.builder().name(name).type(Type.builder().scalarType(type).build()).build();
    }

    private static Datum text(String s) {
        return Datum.builder().scalarValue(Objects.requireNonNull(s)).build();
    }
}
