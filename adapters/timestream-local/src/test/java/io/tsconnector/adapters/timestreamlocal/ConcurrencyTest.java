package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS = 20;

    @Test
    void concurrentWritersLoseAndDuplicateNothing() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int ingested = 0;
                        for (int c = 0; c < CALLS; c++) {
                            List<Record> records = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                long time = c * 50L + i;
                                // distinct per thread, each thread also adds a new dimension name
                                records.add(rec("own", time, time, "thread", "t" + thread, "d" + thread, "x"));
                                // identical across threads: must be stored once
                                records.add(rec("shared", time, time, "job", "common"));
                            }
                            ingested += ts.writeClient().writeRecords(write("db", "t", records)).recordsIngested().total();
                        }
                        return ingested;
                    }));
                }
                for (Future<Integer> f : results) {
                    assertEquals(CALLS * 100, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of(List.of("own", Long.toString(THREADS * CALLS * 50L)), List.of("shared", Long.toString(CALLS * 50L))),
                    queryAll(ts.queryClient(), "SELECT measure_name, count(*) FROM \"db\".\"t\" GROUP BY measure_name ORDER BY measure_name"));
            assertEquals(List.of(List.of(Long.toString(THREADS))),
                    queryAll(ts.queryClient(), "SELECT count(DISTINCT \"thread\") FROM \"db\".\"t\""));
            assertEquals(THREADS + 5, queryAll(ts.queryClient(), "DESCRIBE \"db\".\"t\"").size());
        }
    }
}
