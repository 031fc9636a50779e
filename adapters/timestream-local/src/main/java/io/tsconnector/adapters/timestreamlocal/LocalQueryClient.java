package io.tsconnector.adapters.timestreamlocal;

import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.CancelQueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.CancelQueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;

/** Adapter: the SDK's TimestreamQueryClient over the embedded H2 engine. */
final class LocalQueryClient implements TimestreamQueryClient {
    private final QueryEngine engine;

    LocalQueryClient(QueryEngine engine) {
        this.engine = engine;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // the engine is closed by LocalTimestream
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return engine.query(request);
    }

    /** Closes the query's cursor; like Timestream, cancelling a query that already ended is not an error. */
    @Override
    public CancelQueryResponse cancelQuery(CancelQueryRequest request) {
        engine.cancel(request.queryId());
        return CancelQueryResponse.builder().build();
    }
}
