package io.tsconnector.adapters.timestreamlocal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/** Test data builders and query helpers. */
final class Records {
    private static final AtomicInteger DB_COUNTER = new AtomicInteger();

    private Records() {
    }

    static String memName() {
        return "mem:engine-test-" + DB_COUNTER.incrementAndGet();
    }

    /** A DOUBLE record in milliseconds; dims are name, value pairs. */
    static Record rec(String measure, double value, long millis, String... dims) {
        return Record.builder().measureName(measure).measureValue(Double.toString(value))
                .measureValueType(MeasureValueType.DOUBLE).time(Long.toString(millis)).timeUnit(TimeUnit.MILLISECONDS)
                .dimensions(dims(dims)).build();
    }

    static List<Dimension> dims(String... nameValues) {
        List<Dimension> out = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.add(Dimension.builder().name(nameValues[i]).value(nameValues[i + 1]).build());
        }
        return out;
    }

    static WriteRecordsRequest write(String db, String table, Record... records) {
        return WriteRecordsRequest.builder().databaseName(db).tableName(table).records(records).build();
    }

    static WriteRecordsRequest write(String db, String table, List<Record> records) {
        return WriteRecordsRequest.builder().databaseName(db).tableName(table).records(records).build();
    }

    /** All rows of a query, following NextToken; each row as strings (null for NullValue). */
    static List<List<String>> queryAll(TimestreamQueryClient client, String sql) {
        List<List<String>> out = new ArrayList<>();
        String token = null;
        do {
            QueryResponse r = client.query(QueryRequest.builder().queryString(sql).nextToken(token).build());
            for (Row row : r.rows()) {
                out.add(values(row));
            }
            token = r.nextToken();
        } while (token != null);
        return out;
    }

    static List<String> values(Row row) {
        List<String> v = new ArrayList<>();
        for (Datum d : row.data()) {
            v.add(Boolean.TRUE.equals(d.nullValue()) ? null : d.scalarValue());
        }
        return v;
    }
}
