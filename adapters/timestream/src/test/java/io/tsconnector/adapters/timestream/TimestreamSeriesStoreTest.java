package io.tsconnector.adapters.timestream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.timestreamlocal.LocalTimestream;
import io.tsconnector.application.port.out.SeriesStoreContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;

/**
 * The port contract over the writer and reader on the local Timestream engine in memory (the one Timestream
 * fake, also behind the fake HTTP endpoint of the integration tests), answering in pages of {@value #PAGE_ROWS}
 * rows after an empty first page, as Timestream may.
 */
class TimestreamSeriesStoreTest extends SeriesStoreContract {
    private static final int PAGE_ROWS = 50;
    private static final AtomicInteger ENGINES = new AtomicInteger();
    /** Full pages followed by another, over all cases: the reader's paging must have been exercised. */
    private static final AtomicInteger FULL_PAGES = new AtomicInteger();
    private TimestreamSeriesWriter writer;
    private LocalTimestream engine;

    @Override
    protected Store createStore() {
        engine = LocalTimestream.open("mem:timestream-adapter-" + ENGINES.incrementAndGet(), true);
        engine.pageRows(PAGE_ROWS);
        engine.forceEmptyFirstPage(true);
        writer = new TimestreamSeriesWriter(engine.writeClient(), 4);
        TimestreamQueryClient pages = engine.queryClient();
        return new Store(writer, new TimestreamSeriesReader(new TimestreamQueryClient() {
            @Override
            public QueryResponse query(QueryRequest request) {
                QueryResponse response = pages.query(request);
                if (response.rows().size() == PAGE_ROWS && response.nextToken() != null) {
                    FULL_PAGES.incrementAndGet();
                }
                return response;
            }

            @Override
            public String serviceName() {
                return pages.serviceName();
            }

            @Override
            public void close() {
            }
        }));
    }

    @AfterEach
    void closeStore() {
        writer.close();
        engine.close();
    }

    @AfterAll
    static void somePagesWereFull() {
        assertTrue(FULL_PAGES.get() > 0, "no answer of the contract's cases filled a page of " + PAGE_ROWS + " rows");
    }
}
