package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

/**
 * Many more concurrent calls than store at once ({@link LocalWriteClient#MAX_STORING_CALLS}), as the connector makes
 * them: every call completes (no call waits forever for a turn, also while others change the table's schema) and
 * every record is stored once.
 */
class StoringLimitTest {
    private static final int THREADS = 4 * LocalWriteClient.MAX_STORING_CALLS;
    private static final int CALLS = 10;

    @Test
    void callsBeyondTheLimitWaitTheirTurnThroughSchemaChanges() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int ingested = 0;
                        for (int c = 0; c < CALLS; c++) {
                            List<Record> records = new ArrayList<>();
                            for (int i = 0; i < 20; i++) {
                                long time = c * 20L + i;
                                // half way through, each thread's records bring a label name of their own (a schema change)
                                records.add(c < CALLS / 2 ? rec("m", time, time, "thread", "t" + thread)
                                        : rec("m", time, time, "thread", "t" + thread, "late" + thread % 16, "x"));
                            }
                            ingested += ts.writeClient().writeRecords(write("db", "t", records)).recordsIngested().total();
                        }
                        return ingested;
                    }));
                }
                start.countDown();
                for (Future<Integer> f : results) {
                    assertEquals(CALLS * 20, f.get(120, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of(List.of(Long.toString((long) THREADS * CALLS * 20), Long.toString(THREADS * 2L))),
                    queryAll(ts.queryClient(), "SELECT count(*), count(DISTINCT CONCAT(\"thread\", COALESCE(\"late0\", '-'), "
                            + "COALESCE(\"late1\", '-'), COALESCE(\"late2\", '-'), COALESCE(\"late3\", '-'), COALESCE(\"late4\", '-'), "
                            + "COALESCE(\"late5\", '-'), COALESCE(\"late6\", '-'), COALESCE(\"late7\", '-'), COALESCE(\"late8\", '-'), "
                            + "COALESCE(\"late9\", '-'), COALESCE(\"late10\", '-'), COALESCE(\"late11\", '-'), COALESCE(\"late12\", '-'), "
                            + "COALESCE(\"late13\", '-'), COALESCE(\"late14\", '-'), COALESCE(\"late15\", '-'))) FROM \"db\".\"t\""));
        }
    }
}
