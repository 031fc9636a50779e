package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

/**
 * A streaming query over a file store keeps reading while writes rewrite and free the chunks its pages came
 * from: with the file store told to free dead chunks at once (retention 0), a cursor that is not counted as a
 * user of its version fails with "Chunk N not found" and the store stops.
 */
class SnapshotPinTest {
    @TempDir
    Path dir;

    @Test
    void aPagedQueryReadsItsSnapshotWhileWritesFreeTheChunksItCameFrom() throws Exception {
        try (LocalTimestream ts = LocalTimestream.open(dir.resolve("data").toString(), true)) {
            int series = 40;
            int perSeries = 500;
            for (int s = 0; s < series; s++) {
                List<Record> batch = new ArrayList<>();
                for (int i = 0; i < perSeries; i++) {
                    batch.add(rec("m", i, 1_000_000L + i * 1000L, "host", "h" + s));
                    if (batch.size() == 100) {
                        ts.writeClient().writeRecords(write("db", "t", batch));
                        batch.clear();
                    }
                }
            }
            H2Store store = store(ts);
            Connection c = store.borrow();
            try (Statement st = c.createStatement()) {
                st.execute("SET RETENTION_TIME 0");
            } finally {
                store.release(c);
            }
            ts.pageRows(200);
            String sql = "SELECT * FROM \"db\".\"t\" WHERE time BETWEEN from_milliseconds(0) AND from_milliseconds(9000000000)";
            QueryResponse page = ts.queryClient().query(QueryRequest.builder().queryString(sql).build());
            long rows = page.rows().size();
            long written = 0;
            while (page.nextToken() != null) {
                // upsert every sample with a higher version (the pages the cursor reads from become dead), then make
                // the store write and clean up its chunks before the next page is read
                written++;
                for (int s = 0; s < series; s++) {
                    List<Record> batch = new ArrayList<>();
                    for (int i = 0; i < perSeries; i++) {
                        batch.add(rec("m", i + written, 1_000_000L + i * 1000L, "host", "h" + s).toBuilder()
                                .version(written + 1).build());
                        if (batch.size() == 100) {
                            ts.writeClient().writeRecords(write("db", "t", batch));
                            batch.clear();
                        }
                    }
                }
                c = store.borrow();
                try (Statement st = c.createStatement()) {
                    st.execute("CHECKPOINT");
                } finally {
                    store.release(c);
                }
                page = ts.queryClient().query(QueryRequest.builder().queryString(sql).nextToken(page.nextToken()).build());
                rows += page.rows().size();
            }
            assertEquals((long) series * perSeries, rows, "every sample once, whatever its version");
        }
    }

    private static H2Store store(LocalTimestream ts) throws ReflectiveOperationException {
        Field f = LocalTimestream.class.getDeclaredField("store");
        f.setAccessible(true);
        return (H2Store) f.get(ts);
    }
}
