package io.tsconnector.it.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamwrite.model.CreateDatabaseRequest;
import software.amazon.awssdk.services.timestreamwrite.model.CreateTableRequest;
import software.amazon.awssdk.services.timestreamwrite.model.Database;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeDatabaseRequest;
import software.amazon.awssdk.services.timestreamwrite.model.DescribeTableRequest;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.ListTablesRequest;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.Table;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsResponse;

/**
 * Test fake: a plain-HTTP Timestream endpoint (awsJson1_0) backed by an in-memory {@link LocalTimestream},
 * with injectable faults, so the real SDK clients can be exercised without AWS.
 */
public final class FakeTimestreamEndpoint implements AutoCloseable {
    private static final String TARGET_PREFIX = "Timestream_20181101.";
    private static final String ERROR_PREFIX = "com.amazonaws.timestream.v20181101#";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final LocalTimestream local;
    private final AtomicInteger throttle = new AtomicInteger();
    private final AtomicInteger fail500 = new AtomicInteger();
    private final AtomicInteger reset = new AtomicInteger();
    private final AtomicInteger accessDenied = new AtomicInteger();
    private final AtomicInteger loseResponse = new AtomicInteger();
    private final AtomicLong lostResponses = new AtomicLong();
    private final AtomicLong faultedCalls = new AtomicLong();
    private volatile Phase phase = Phase.NORMAL;
    private final AtomicInteger rejectWrites = new AtomicInteger();
    private final AtomicReference<String> rejectReason = new AtomicReference<>("rejected by the fake endpoint");
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private final AtomicInteger writeCalls = new AtomicInteger();
    private final AtomicLong queryCalls = new AtomicLong();
    private final AtomicLong cancelCalls = new AtomicLong();
    private final List<Integer> recordsPerCall = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.ConcurrentHashMap<String, long[]> metered = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean parseFree;
    private HttpServer server;
    private ExecutorService executor;

    /** A fake over a fresh in-memory engine that creates databases and tables on first write. */
    public FakeTimestreamEndpoint() {
        this(true);
    }

    /** A fake over a fresh in-memory engine; {@code createTablesOnWrite} as in {@link LocalTimestream#open}. */
    public FakeTimestreamEndpoint(boolean createTablesOnWrite) {
        this("mem:fake-timestream-" + INSTANCES.incrementAndGet(), createTablesOnWrite);
    }

    /**
     * A fake over the engine at {@code localPath} (a directory, or {@code mem:name}): on disk, what it stores
     * stays out of the heap, so a long run in the connector's JVM measures the connector's memory.
     */
    public FakeTimestreamEndpoint(String localPath, boolean createTablesOnWrite) {
        this.local = LocalTimestream.open(localPath, createTablesOnWrite);
    }

    /** Binds 127.0.0.1 on a free port and starts serving. */
    public FakeTimestreamEndpoint start() {
        // like Timestream, answer without Nagle's delay: the JDK server writes headers and body apart, which with
        // delayed ACKs would add 40 ms to every call
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // Timestream serves many calls at once; a small pool would make the fake the bottleneck
        executor = Executors.newFixedThreadPool(128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** The endpoint to give to {@code endpointOverride}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The engine behind the endpoint, for direct queries and writes. */
    public LocalTimestream local() {
        return local;
    }

    // ---- fault injection ----------------------------------------------------------------------

    /** The next {@code n} calls (any operation but DescribeEndpoints) fail with ThrottlingException (HTTP 400). */
    public void throttleNext(int n) {
        throttle.addAndGet(n);
    }

    /** The next {@code n} calls fail with InternalServerException (HTTP 500). */
    public void failNextWith500(int n) {
        fail500.addAndGet(n);
    }

    /** The next {@code n} calls fail with AccessDeniedException (HTTP 403). */
    public void accessDeniedNext(int n) {
        accessDenied.addAndGet(n);
    }

    /** The next {@code n} calls get their connection closed without an answer. */
    public void resetConnectionNext(int n) {
        reset.addAndGet(n);
    }

    /**
     * The next {@code n} WriteRecords calls are applied (the records stored) and then their connection is
     * closed without an answer: what a client sees when a response is lost after the service did the work.
     */
    public void loseResponseNext(int n) {
        loseResponse.addAndGet(n);
    }

    /**
     * Continuous faults for a fault storm: while a phase other than {@link Phase#NORMAL} is set, every call
     * (DescribeEndpoints excepted, so the SDK can find the endpoint) gets that phase's fault.
     */
    public enum Phase {
        /** No injected fault. */
        NORMAL,
        /** ThrottlingException (HTTP 400). */
        THROTTLING,
        /** InternalServerException (HTTP 500). */
        INTERNAL_ERROR,
        /** The connection is closed before anything is read from the store or answered. */
        CONNECTION_RESET,
        /** The call is answered normally after 2 s. */
        LATENCY_2S,
        /** A WriteRecords call is applied, then its connection is closed without an answer. */
        LOST_RESPONSE
    }

    /** Sets the fault every call gets from now on (see {@link Phase}). */
    public void phase(Phase p) {
        phase = p == null ? Phase.NORMAL : p;
    }

    /** The current fault phase. */
    public Phase phase() {
        return phase;
    }

    /** WriteRecords calls that were applied and then had their answer dropped. */
    public long lostResponses() {
        return lostResponses.get();
    }

    /** Calls answered with an injected fault of a phase or of the {@code ...Next} counters (latency excepted). */
    public long faultedCalls() {
        return faultedCalls.get();
    }

    /** The next {@code n} WriteRecords calls reject every record with {@code reason}, storing nothing. */
    public void rejectNextWrites(int n, String reason) {
        rejectReason.set(reason);
        rejectWrites.addAndGet(n);
    }

    /**
     * Whether WriteRecords calls are answered as stored without storing (default false): benchmarks use it
     * so the engine's own cost does not count as the connector's.
     */
    public void discardWrites(boolean on) {
        discardWrites = on;
    }

    private volatile boolean discardWrites;

    /**
     * Answers WriteRecords as stored after handing each record, merged with its call's CommonAttributes, to
     * {@code sink} instead of storing it in the engine (null: store as usual). For load tests on a machine the
     * connector shares: what was accepted is still known record by record, at a fraction of the engine's CPU.
     */
    public void acceptedRecordsTo(java.util.function.Consumer<Record> sink) {
        acceptedSink = sink;
    }

    private volatile java.util.function.Consumer<Record> acceptedSink;

    /**
     * Whether WriteRecords calls are answered as stored without even parsing their bodies (default false):
     * what a benchmark of the connector's own cost needs, so the fake's JSON parsing does not count.
     * Nothing is stored, metered or counted per record in this mode.
     */
    public void answerWithoutParsing(boolean on) {
        parseFree = on;
    }

    /** Latency added to every call before it is answered (default: none). */
    public void delayEachCall(Duration d) {
        delay.set(d == null ? Duration.ZERO : d);
    }

    // ---- observation --------------------------------------------------------------------------

    /** WriteRecords calls received, including those answered with an injected fault. */
    public int writeCalls() {
        return writeCalls.get();
    }

    /** CancelQuery calls answered. */
    public long cancelCalls() {
        return cancelCalls.get();
    }

    /** Query calls received, including those answered with an injected fault. */
    public long queryCalls() {
        return queryCalls.get();
    }

    /**
     * What Timestream would bill for the WriteRecords calls this endpoint accepted into {@code database.table}:
     * {@code {meteredBytes, writeUnits, records}}, by the documented rule (8 B time + UTF-8 bytes of each
     * dimension name and value + measure name + 8 B for a DOUBLE, per record; CommonAttributes once per call;
     * each call in whole KiB).
     */
    public long[] metered(String database, String table) {
        long[] m = metered.get(database + "." + table);
        return m == null ? new long[3] : m.clone();
    }

    /**
     * What the same records would cost in the one-record-per-sample layout (every attribute on every record,
     * 100 records per call in arrival order, as the Go connector sends them): {@code {meteredBytes, writeUnits}}
     * over every table.
     */
    public synchronized long[] meteredOneRecordPerSample() {
        long units = naiveUnits + (naivePendingRecords > 0 ? (naivePendingBytes + 1023) / 1024 : 0);
        return new long[] {naiveBytes, units};
    }

    private long naiveBytes;
    private long naiveUnits;
    private long naivePendingBytes;
    private int naivePendingRecords;

    private synchronized void meterOneRecordPerSample(long recordBytes) {
        naiveBytes += recordBytes;
        naivePendingBytes += recordBytes;
        if (++naivePendingRecords == 100) {
            naiveUnits += (naivePendingBytes + 1023) / 1024;
            naivePendingBytes = 0;
            naivePendingRecords = 0;
        }
    }

    /** Write units of every table together. */
    public long meteredWriteUnits() {
        long total = 0;
        for (long[] m : metered.values()) {
            total += m[1];
        }
        return total;
    }

    /** Number of records in each WriteRecords call received, in arrival order. */
    public List<Integer> recordsPerCall() {
        return List.copyOf(recordsPerCall);
    }

    /** Records stored in all tables of the engine. */
    public long storedRecordCount() {
        long total = 0;
        for (List<String> db : rows(local.queryClient().query(QueryRequest.builder().queryString("SHOW DATABASES").build()))) {
            for (List<String> table : rows(local.queryClient().query(QueryRequest.builder()
                    .queryString("SHOW TABLES FROM " + quote(db.get(0))).build()))) {
                total += Long.parseLong(rows(local.queryClient().query(QueryRequest.builder()
                        .queryString("SELECT count(*) FROM " + quote(db.get(0)) + "." + quote(table.get(0))).build())).get(0).get(0));
            }
        }
        return total;
    }

    private static String quote(String id) {
        return '"' + id.replace("\"", "\"\"") + '"';
    }

    private static List<List<String>> rows(QueryResponse r) {
        List<List<String>> out = new ArrayList<>();
        for (Row row : r.rows()) {
            List<String> v = new ArrayList<>();
            for (Datum d : row.data()) {
                v.add(d.scalarValue());
            }
            out.add(v);
        }
        return out;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
        local.close();
    }

    // ---- protocol -----------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (target == null || !target.startsWith(TARGET_PREFIX)) {
                sendError(exchange, 400, "UnknownOperationException", "Missing or unknown X-Amz-Target: " + target, null);
                return;
            }
            String operation = target.substring(TARGET_PREFIX.length());
            if (parseFree && operation.equals("WriteRecords")) {
                writeCalls.incrementAndGet();
                Duration d = delay.get();
                if (!d.isZero()) {
                    Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
                }
                send(exchange, 200, "{\"RecordsIngested\":{\"Total\":0,\"MemoryStore\":0,\"MagneticStore\":0}}");
                return;
            }
            JsonNode json = body.length == 0 ? JsonNode.emptyObjectNode() : JsonNode.parser().parse(body);
            if (operation.equals("DescribeEndpoints")) {
                send(exchange, 200, "{\"Endpoints\":[{\"Address\":\"127.0.0.1:" + server.getAddress().getPort()
                        + "\",\"CachePeriodInMinutes\":1440}]}");
                return;
            }
            if (operation.equals("WriteRecords")) {
                writeCalls.incrementAndGet();
                recordsPerCall.add(json.field("Records").map(n -> n.asArray().size()).orElse(0));
            } else if (operation.equals("Query")) {
                queryCalls.incrementAndGet();
            }
            Duration d = delay.get();
            if (!d.isZero()) {
                Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            }
            Phase now = phase;
            if (now == Phase.LATENCY_2S) {
                Thread.sleep(2_000);
            }
            if (take(reset) || now == Phase.CONNECTION_RESET) {
                faultedCalls.incrementAndGet();
                exchange.close(); // closing before any header is sent drops the connection
                return;
            }
            if (take(throttle) || now == Phase.THROTTLING) {
                faultedCalls.incrementAndGet();
                sendError(exchange, 400, "ThrottlingException", "Rate exceeded (injected by the fake endpoint)", null);
                return;
            }
            if (take(fail500) || now == Phase.INTERNAL_ERROR) {
                faultedCalls.incrementAndGet();
                sendError(exchange, 500, "InternalServerException", "Internal failure (injected by the fake endpoint)", null);
                return;
            }
            if (operation.equals("WriteRecords") && (now == Phase.LOST_RESPONSE || take(loseResponse))) {
                faultedCalls.incrementAndGet();
                try {
                    dispatch(operation, json);
                    lostResponses.incrementAndGet();
                } catch (AwsServiceException rejected) {
                    // a rejected write stored nothing; its answer is lost all the same
                }
                exchange.close(); // the records are stored; the client never learns it
                return;
            }
            if (take(accessDenied)) {
                faultedCalls.incrementAndGet();
                sendError(exchange, 403, "AccessDeniedException", "User is not authorized (injected by the fake endpoint)", null);
                return;
            }
            try {
                send(exchange, 200, dispatch(operation, json));
            } catch (AwsServiceException e) {
                String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                        ? e.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
                String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                        ? e.awsErrorDetails().errorMessage() : e.getMessage();
                String extra = e instanceof RejectedRecordsException r ? rejectedJson(r.rejectedRecords()) : null;
                int status = e.statusCode() >= 400 ? e.statusCode() : 400;
                sendError(exchange, status, code, message, extra);
            } catch (UnsupportedOperationException e) {
                sendError(exchange, 400, "UnknownOperationException", "Operation " + operation + " is not supported by the fake", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (RuntimeException e) {
            sendError(exchange, 500, "InternalServerException", "Fake endpoint failure: " + e, null);
        } finally {
            exchange.close();
        }
    }

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
    }

    private String dispatch(String operation, JsonNode json) {
        switch (operation) {
            case "WriteRecords":
                return writeRecords(json);
            case "Query":
                return query(json);
            case "CancelQuery":
                cancelCalls.incrementAndGet();
                local.queryClient().cancelQuery(software.amazon.awssdk.services.timestreamquery.model.CancelQueryRequest.builder()
                        .queryId(str(json, "QueryId")).build());
                return "{\"CancellationMessage\":\"Query cancelled\"}";
            case "CreateDatabase":
                return "{\"Database\":" + database(local.writeClient().createDatabase(
                        CreateDatabaseRequest.builder().databaseName(str(json, "DatabaseName")).build()).database()) + "}";
            case "DescribeDatabase":
                return "{\"Database\":" + database(local.writeClient().describeDatabase(
                        DescribeDatabaseRequest.builder().databaseName(str(json, "DatabaseName")).build()).database()) + "}";
            case "CreateTable":
                return "{\"Table\":" + table(local.writeClient().createTable(CreateTableRequest.builder()
                        .databaseName(str(json, "DatabaseName")).tableName(str(json, "TableName")).build()).table()) + "}";
            case "DescribeTable":
                return "{\"Table\":" + table(local.writeClient().describeTable(DescribeTableRequest.builder()
                        .databaseName(str(json, "DatabaseName")).tableName(str(json, "TableName")).build()).table()) + "}";
            case "ListTables": {
                StringBuilder sb = new StringBuilder("{\"Tables\":[");
                List<Table> tables = local.writeClient().listTables(ListTablesRequest.builder()
                        .databaseName(str(json, "DatabaseName")).build()).tables();
                for (int i = 0; i < tables.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(table(tables.get(i)));
                }
                return sb.append("]}").toString();
            }
            default:
                throw new UnsupportedOperationException(operation);
        }
    }

    private String writeRecords(JsonNode json) {
        List<Record> records = new ArrayList<>();
        json.field("Records").ifPresent(n -> n.asArray().forEach(r -> records.add(record(r))));
        WriteRecordsRequest.Builder request = WriteRecordsRequest.builder()
                .databaseName(str(json, "DatabaseName")).tableName(str(json, "TableName")).records(records);
        json.field("CommonAttributes").filter(n -> !n.isNull()).ifPresent(n -> request.commonAttributes(record(n)));
        if (take(rejectWrites)) {
            List<RejectedRecord> rejected = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                rejected.add(RejectedRecord.builder().recordIndex(i).reason(rejectReason.get()).build());
            }
            throw RejectedRecordsException.builder().statusCode(419).rejectedRecords(rejected)
                    .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                            .errorCode("RejectedRecordsException")
                            .errorMessage("One or more records have been rejected. See RejectedRecords for details.").build())
                    .build();
        }
        java.util.function.Consumer<Record> sink = acceptedSink;
        if (sink != null) {
            Record common = json.field("CommonAttributes").filter(n -> !n.isNull()).map(FakeTimestreamEndpoint::record).orElse(null);
            for (Record r : records) {
                sink.accept(merged(common, r));
            }
            meter(json);
            return "{\"RecordsIngested\":{\"Total\":" + records.size() + ",\"MemoryStore\":" + records.size()
                    + ",\"MagneticStore\":0}}";
        }
        if (discardWrites) {
            meter(json);
            return "{\"RecordsIngested\":{\"Total\":" + records.size() + ",\"MemoryStore\":" + records.size()
                    + ",\"MagneticStore\":0}}";
        }
        WriteRecordsResponse r = local.writeClient().writeRecords(request.build());
        meter(json);
        return "{\"RecordsIngested\":{\"Total\":" + r.recordsIngested().total() + ",\"MemoryStore\":"
                + r.recordsIngested().memoryStore() + ",\"MagneticStore\":" + r.recordsIngested().magneticStore() + "}}";
    }

    /** Adds a call Timestream accepted to the metered totals of its table. */
    private void meter(JsonNode json) {
        long bytes = 0;
        long records = 0;
        JsonNode common = json.field("CommonAttributes").filter(n -> !n.isNull()).orElse(null);
        if (common != null) {
            bytes += attributeBytes(common);
        }
        JsonNode list = json.field("Records").orElse(null);
        if (list != null) {
            long commonBytes = common == null ? 0 : attributeBytes(common);
            for (JsonNode r : list.asArray()) {
                long own = attributeBytes(r) + 8; // a DOUBLE measure value is metered at 8 bytes
                bytes += own;
                records++;
                meterOneRecordPerSample(own + commonBytes);
            }
        }
        long units = (bytes + 1023) / 1024;
        long[] add = {bytes, units, records};
        metered.merge(str(json, "DatabaseName") + "." + str(json, "TableName"), add,
                (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
    }

    private static long attributeBytes(JsonNode n) {
        long bytes = 0;
        if (str(n, "Time") != null) {
            bytes += 8;
        }
        String measure = str(n, "MeasureName");
        if (measure != null) {
            bytes += measure.getBytes(StandardCharsets.UTF_8).length;
        }
        JsonNode dims = n.field("Dimensions").filter(JsonNode::isArray).orElse(null);
        if (dims != null) {
            for (JsonNode d : dims.asArray()) {
                bytes += str(d, "Name").getBytes(StandardCharsets.UTF_8).length + str(d, "Value").getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return bytes;
    }

    /** A record with its call's CommonAttributes filled in, as Timestream reads them. */
    private static Record merged(Record common, Record r) {
        if (common == null) {
            return r;
        }
        List<Dimension> dims = new ArrayList<>(common.dimensions());
        dims.addAll(r.dimensions());
        return r.toBuilder().dimensions(dims)
                .measureName(r.measureName() != null ? r.measureName() : common.measureName())
                .measureValue(r.measureValue() != null ? r.measureValue() : common.measureValue())
                .measureValueType(r.measureValueType() != null ? r.measureValueTypeAsString() : common.measureValueTypeAsString())
                .time(r.time() != null ? r.time() : common.time())
                .timeUnit(r.timeUnit() != null ? r.timeUnitAsString() : common.timeUnitAsString())
                .build();
    }

    private static Record record(JsonNode n) {
        Record.Builder b = Record.builder();
        n.field("Dimensions").filter(JsonNode::isArray).ifPresent(dims -> {
            List<Dimension> out = new ArrayList<>();
            for (JsonNode d : dims.asArray()) {
                out.add(Dimension.builder().name(str(d, "Name")).value(str(d, "Value"))
                        .dimensionValueType(str(d, "DimensionValueType")).build());
            }
            b.dimensions(out);
        });
        b.measureName(str(n, "MeasureName")).measureValue(str(n, "MeasureValue"))
                .measureValueType(str(n, "MeasureValueType")).time(str(n, "Time")).timeUnit(str(n, "TimeUnit"));
        n.field("Version").filter(JsonNode::isNumber).ifPresent(v -> b.version(Long.parseLong(v.asNumber())));
        return b.build();
    }

    private String query(JsonNode json) {
        QueryRequest.Builder b = QueryRequest.builder().queryString(str(json, "QueryString")).nextToken(str(json, "NextToken"));
        json.field("MaxRows").filter(JsonNode::isNumber).ifPresent(v -> b.maxRows(Integer.parseInt(v.asNumber())));
        QueryResponse r = local.queryClient().query(b.build());
        StringBuilder sb = new StringBuilder(256 + r.rows().size() * 64);
        sb.append("{\"QueryId\":").append(jsonString(r.queryId())).append(",\"Rows\":[");
        for (int i = 0; i < r.rows().size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"Data\":[");
            List<Datum> data = r.rows().get(i).data();
            for (int j = 0; j < data.size(); j++) {
                Datum d = data.get(j);
                sb.append(j == 0 ? "" : ",");
                if (Boolean.TRUE.equals(d.nullValue())) {
                    sb.append("{\"NullValue\":true}");
                } else {
                    sb.append("{\"ScalarValue\":").append(jsonString(d.scalarValue())).append('}');
                }
            }
            sb.append("]}");
        }
        sb.append("],\"ColumnInfo\":[");
        for (int i = 0; i < r.columnInfo().size(); i++) {
            ColumnInfo c = r.columnInfo().get(i);
            sb.append(i == 0 ? "" : ",").append("{\"Name\":").append(jsonString(c.name()))
                    .append(",\"Type\":{\"ScalarType\":").append(jsonString(c.type().scalarTypeAsString())).append("}}");
        }
        sb.append(']');
        if (r.nextToken() != null) {
            sb.append(",\"NextToken\":").append(jsonString(r.nextToken()));
        }
        if (r.queryStatus() != null) {
            sb.append(",\"QueryStatus\":{\"ProgressPercentage\":").append(r.queryStatus().progressPercentage())
                    .append(",\"CumulativeBytesScanned\":0,\"CumulativeBytesMetered\":0}");
        }
        return sb.append('}').toString();
    }

    private static String database(Database d) {
        return "{\"DatabaseName\":" + jsonString(d.databaseName()) + ",\"Arn\":" + jsonString(d.arn())
                + ",\"TableCount\":" + d.tableCount() + ",\"CreationTime\":" + epochSeconds(d.creationTime()) + "}";
    }

    private static String table(Table t) {
        return "{\"DatabaseName\":" + jsonString(t.databaseName()) + ",\"TableName\":" + jsonString(t.tableName())
                + ",\"Arn\":" + jsonString(t.arn()) + ",\"TableStatus\":" + jsonString(t.tableStatusAsString())
                + ",\"CreationTime\":" + epochSeconds(t.creationTime()) + "}";
    }

    private static String epochSeconds(Instant t) {
        return t == null ? "0" : Double.toString(t.toEpochMilli() / 1000.0);
    }

    private static String rejectedJson(List<RejectedRecord> rejected) {
        StringBuilder sb = new StringBuilder("\"RejectedRecords\":[");
        for (int i = 0; i < rejected.size(); i++) {
            RejectedRecord r = rejected.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"RecordIndex\":").append(r.recordIndex())
                    .append(",\"Reason\":").append(jsonString(r.reason()));
            if (r.existingVersion() != null) {
                sb.append(",\"ExistingVersion\":").append(r.existingVersion());
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    private static String str(JsonNode n, String field) {
        return n.field(field).filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
    }

    private static void sendError(HttpExchange exchange, int status, String code, String message, String extraJson) {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", code);
        String body = "{\"__type\":" + jsonString(ERROR_PREFIX + code) + ",\"message\":" + jsonString(message)
                + (extraJson == null ? "" : "," + extraJson) + "}";
        try {
            send(exchange, status, body);
        } catch (IOException ignored) {
            // the client went away; nothing left to answer
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String jsonString(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

}
