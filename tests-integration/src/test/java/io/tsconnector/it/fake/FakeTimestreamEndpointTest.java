package io.tsconnector.it.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamquery.model.ScalarType;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.AccessDeniedException;
import software.amazon.awssdk.services.timestreamwrite.model.ConflictException;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.InternalServerException;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException;
import software.amazon.awssdk.services.timestreamwrite.model.ThrottlingException;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

/** The real SDK v2 clients against the fake endpoint: protocol, errors, faults and pagination. */
class FakeTimestreamEndpointTest {
    private FakeTimestreamEndpoint fake;
    private TimestreamWriteClient write;
    private TimestreamQueryClient query;

    @BeforeEach
    void start() {
        fake = new FakeTimestreamEndpoint().start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        write = TimestreamWriteClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(fake.uri())
                .region(Region.US_EAST_1).credentialsProvider(credentials).endpointDiscoveryEnabled(false)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(2))).build();
        query = TimestreamQueryClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(fake.uri())
                .region(Region.US_EAST_1).credentialsProvider(credentials).endpointDiscoveryEnabled(false)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(2))).build();
    }

    @AfterEach
    void stop() {
        write.close();
        query.close();
        fake.close();
    }

    private static Record rec(String measure, String value, long millis, String... dims) {
        List<Dimension> d = new ArrayList<>();
        for (int i = 0; i < dims.length; i += 2) {
            d.add(Dimension.builder().name(dims[i]).value(dims[i + 1]).build());
        }
        return Record.builder().measureName(measure).measureValue(value).measureValueType(MeasureValueType.DOUBLE)
                .time(Long.toString(millis)).timeUnit(TimeUnit.MILLISECONDS).dimensions(d).build();
    }

    private WriteRecordsRequest req(Record... records) {
        return WriteRecordsRequest.builder().databaseName("db").tableName("metrics").records(records).build();
    }

    private static List<String> values(Row row) {
        List<String> v = new ArrayList<>();
        for (Datum d : row.data()) {
            v.add(Boolean.TRUE.equals(d.nullValue()) ? null : d.scalarValue());
        }
        return v;
    }

    @Test
    void writesAndReadsBackThroughTheRealSdk() {
        Record common = Record.builder().measureName("up").measureValueType(MeasureValueType.DOUBLE)
                .dimensions(Dimension.builder().name("job").value("api \"quoted\"").build()).build();
        var response = write.writeRecords(WriteRecordsRequest.builder().databaseName("db").tableName("metrics")
                .commonAttributes(common)
                .records(Record.builder().measureValue("1.5").time("1000").build(),
                        Record.builder().measureValue("1.0E-9").time("2000").dimensions(Dimension.builder().name("env").value("prod").build()).build())
                .build());
        assertEquals(2, response.recordsIngested().total());
        assertEquals(List.of(2), fake.recordsPerCall());
        assertEquals(1, fake.writeCalls());
        assertEquals(2, fake.storedRecordCount());

        QueryResponse r = query.query(QueryRequest.builder().queryString(
                "SELECT * FROM \"db\".\"metrics\" WHERE measure_name = 'up' AND time BETWEEN from_milliseconds(0) AND from_milliseconds(5000) ORDER BY time").build());
        assertEquals(List.of("env", "job", "measure_name", "time", "measure_value::double"),
                r.columnInfo().stream().map(c -> c.name()).toList());
        assertEquals(ScalarType.TIMESTAMP, r.columnInfo().get(3).type().scalarType());
        assertEquals(java.util.Arrays.asList(null, "api \"quoted\"", "up", "1970-01-01 00:00:01.000000000", "1.5"), values(r.rows().get(0)));
        assertEquals(1e-9, Double.parseDouble(values(r.rows().get(1)).get(4)));
        assertNotNull(r.queryId());
    }

    @Test
    void queryPaginationWithNextTokenAndEmptyFirstPage() {
        for (int call = 0; call < 12; call++) {
            Record[] records = new Record[100];
            for (int i = 0; i < 100; i++) {
                long t = call * 100L + i;
                records[i] = rec("m", Long.toString(t), t, "job", "p");
            }
            write.writeRecords(req(records));
        }
        fake.local().forceEmptyFirstPage(true);
        String sql = "SELECT measure_value::double FROM \"db\".\"metrics\" ORDER BY time";
        QueryResponse first = query.query(QueryRequest.builder().queryString(sql).build());
        assertEquals(0, first.rows().size());
        assertNotNull(first.nextToken());
        List<String> all = new ArrayList<>();
        int pages = 0;
        String token = first.nextToken();
        while (token != null) {
            QueryResponse page = query.query(QueryRequest.builder().queryString(sql).nextToken(token).maxRows(500).build());
            page.rows().forEach(row -> all.add(values(row).get(0)));
            token = page.nextToken();
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(1200, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(Double.toString(i), all.get(i));
        }
        // the SDK paginator follows NextToken too
        fake.local().forceEmptyFirstPage(false);
        long viaPaginator = query.queryPaginator(QueryRequest.builder().queryString(sql).build()).stream()
                .mapToLong(p -> p.rows().size()).sum();
        assertEquals(1200, viaPaginator);
    }

    @Test
    void rejectedRecordsCarryIndexReasonAndExistingVersion() {
        write.writeRecords(req(rec("up", "1", 1000, "job", "a")));
        RejectedRecordsException e = assertThrows(RejectedRecordsException.class, () -> write.writeRecords(req(
                rec("up", "1", 1001, "job", "a"),
                rec("up", "2", 1000, "job", "a"),
                rec("up", "NaN", 1002, "job", "a"),
                rec("up", "3", 1003, "time", "reserved"))));
        List<RejectedRecord> rejected = e.rejectedRecords();
        assertEquals(List.of(1, 2, 3), rejected.stream().map(RejectedRecord::recordIndex).toList());
        assertEquals(1L, rejected.get(0).existingVersion());
        assertNull(rejected.get(1).existingVersion());
        assertTrue(rejected.get(2).reason().contains("reserved"), rejected.get(2).reason());
        assertEquals(419, e.statusCode());
        assertEquals(2, fake.storedRecordCount(), "the valid record of the rejected call is stored");

        fake.rejectNextWrites(1, "injected");
        RejectedRecordsException injected = assertThrows(RejectedRecordsException.class, () -> write.writeRecords(req(rec("up", "5", 5000))));
        assertEquals("injected", injected.rejectedRecords().get(0).reason());
    }

    @Test
    void injectedFaultsArriveAsSdkExceptionsAfterRetries() {
        fake.throttleNext(2);
        assertThrows(ThrottlingException.class, () -> write.writeRecords(req(rec("up", "1", 1))));
        assertEquals(2, fake.writeCalls(), "one retry with maxAttempts(2)");

        fake.throttleNext(1);
        assertEquals(1, write.writeRecords(req(rec("up", "1", 1))).recordsIngested().total(), "a retry after one throttle succeeds");

        fake.failNextWith500(2);
        assertThrows(InternalServerException.class, () -> write.writeRecords(req(rec("up", "1", 2))));

        fake.accessDeniedNext(1);
        assertThrows(AccessDeniedException.class, () -> write.writeRecords(req(rec("up", "1", 3))));

        fake.resetConnectionNext(2);
        assertThrows(SdkClientException.class, () -> write.writeRecords(req(rec("up", "1", 4))));

        fake.resetConnectionNext(1);
        assertEquals(1, write.writeRecords(req(rec("up", "1", 5))).recordsIngested().total());

        fake.throttleNext(2);
        assertThrows(software.amazon.awssdk.services.timestreamquery.model.ThrottlingException.class,
                () -> query.query(QueryRequest.builder().queryString("SELECT 1").build()));
        assertEquals(2, fake.storedRecordCount());
    }

    @Test
    void aLostResponseStoresTheRecordsAndTheRetryIsAnsweredOnceMore() {
        fake.loseResponseNext(1);
        assertEquals(1, write.writeRecords(req(rec("up", "7", 10))).recordsIngested().total(), "the SDK's retry is answered");
        assertEquals(2, fake.writeCalls());
        assertEquals(1, fake.lostResponses());
        assertEquals(1, fake.storedRecordCount(), "the same record written twice is stored once");

        fake.phase(FakeTimestreamEndpoint.Phase.LOST_RESPONSE);
        assertThrows(SdkClientException.class, () -> write.writeRecords(req(rec("up", "8", 11))));
        assertEquals(3, fake.lostResponses(), "both attempts applied, both answers lost");
        assertEquals(2, fake.storedRecordCount());

        fake.phase(FakeTimestreamEndpoint.Phase.THROTTLING);
        assertThrows(ThrottlingException.class, () -> write.writeRecords(req(rec("up", "9", 12))));
        fake.phase(FakeTimestreamEndpoint.Phase.NORMAL);
        assertEquals(1, write.writeRecords(req(rec("up", "9", 12))).recordsIngested().total());
        assertEquals(3, fake.storedRecordCount());
    }

    @Test
    void serviceErrorsKeepTheirTypes() {
        try (FakeTimestreamEndpoint strict = new FakeTimestreamEndpoint(false).start();
             TimestreamWriteClient w = TimestreamWriteClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(strict.uri()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .endpointDiscoveryEnabled(false).build()) {
            ResourceNotFoundException nf = assertThrows(ResourceNotFoundException.class, () -> w.writeRecords(req(rec("up", "1", 1))));
            assertTrue(nf.getMessage().startsWith("The database db does not exist."), nf.getMessage());
            w.createDatabase(b -> b.databaseName("db"));
            assertThrows(ConflictException.class, () -> w.createDatabase(b -> b.databaseName("db")));
            w.createTable(b -> b.databaseName("db").tableName("metrics"));
            assertEquals("metrics", w.describeTable(b -> b.databaseName("db").tableName("metrics")).table().tableName());
            assertEquals(1, w.listTables(b -> b.databaseName("db")).tables().size());
            assertEquals(1, w.writeRecords(req(rec("up", "1", 1))).recordsIngested().total());
        }
        var ve = assertThrows(software.amazon.awssdk.services.timestreamquery.model.ValidationException.class,
                () -> query.query(QueryRequest.builder().queryString("SELECT \"nope\" FROM \"db\".\"metrics\"").build()));
        assertTrue(ve.getMessage().contains("does not exist"), ve.getMessage());
        List<Record> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add(rec("up", "1", i));
        }
        assertThrows(software.amazon.awssdk.services.timestreamwrite.model.ValidationException.class,
                () -> write.writeRecords(WriteRecordsRequest.builder().databaseName("db").tableName("metrics").records(tooMany).build()));
    }
}
