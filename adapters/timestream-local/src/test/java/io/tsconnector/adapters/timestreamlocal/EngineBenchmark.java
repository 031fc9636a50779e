package io.tsconnector.adapters.timestreamlocal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

/**
 * Benchmark (prints): the engine alone, without HTTP or the Timestream adapter: 1,000 series x 1,000 samples
 * written in WriteRecords calls of 100 records from 4 threads, the bytes on disk, and one query of all of it
 * in the connector's read shape, and the time of a write that brings a new label name. Run with
 * {@code mvn -pl adapters/timestream-local verify -Dtest=EngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class EngineBenchmark {
    private static final int SERIES = 1000;
    private static final int SAMPLES = 1000;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void writeAndReadOneMillionSamples() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(dir.toString(), true)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    for (int step = worker; step < SAMPLES; step += 4) {
                        List<Record> batch = new ArrayList<>(100);
                        for (int s = 0; s < SERIES; s++) {
                            batch.add(Records.rec("metric_" + s % 10, s * 0.5 + step, T0 + step * 15_000L,
                                    "instance", "host-" + s / 10, "job", "bench"));
                            if (batch.size() == 100) {
                                ts.writeClient().writeRecords(Records.write("db", "t", batch));
                                batch = new ArrayList<>(100);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("engine write: %,d samples in %.2f s = %,.0f samples/s%n", SERIES * SAMPLES, writeSeconds,
                    SERIES * SAMPLES / writeSeconds);
            System.out.printf("disk after writes: %,d bytes%n", ts.sizeOnDiskBytes());
            long labelStart = System.nanoTime();
            ts.writeClient().writeRecords(Records.write("db", "t", Records.rec("metric_0", 1, T0 + SAMPLES * 15_000L,
                    "instance", "host-0", "job", "bench", "new_label", "x")));
            System.out.printf("a write bringing a new label name after 1,000,000 samples: %.1f ms%n", (System.nanoTime() - labelStart) / 1e6);
            for (int round = 0; round < 3; round++) {
                long readStart = System.nanoTime();
                String sql = "SELECT * FROM \"db\".\"t\" WHERE time BETWEEN from_milliseconds(0) AND from_milliseconds(4102444800000)";
                long rows = 0;
                String token = null;
                do {
                    QueryResponse r = ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(token).build());
                    rows += r.rows().size();
                    token = r.nextToken();
                } while (token != null);
                System.out.printf("engine read: %,d rows in %.2f s%n", rows, (System.nanoTime() - readStart) / 1e9);
            }
            System.out.printf("disk while open: %,d bytes = %.1f bytes/sample%n", ts.sizeOnDiskBytes(),
                    ts.sizeOnDiskBytes() / (double) (SERIES * SAMPLES));
        }
        try (LocalTimestream ts = LocalTimestream.open(dir.toString(), true)) {
            System.out.printf("disk after close: %,d bytes = %.1f bytes/sample%n", ts.sizeOnDiskBytes(),
                    ts.sizeOnDiskBytes() / (double) (SERIES * SAMPLES));
        }
    }
}
