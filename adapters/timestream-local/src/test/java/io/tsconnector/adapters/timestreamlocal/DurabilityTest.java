package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;

class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void fileDatabaseKeepsDataSchemaAndRulesAcrossReopen() {
        String path = dir.resolve("nested/data").toString();
        try (LocalTimestream ts = LocalTimestream.open(path, true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("up", 1.5, 1000, "job", "a"), rec("up", 2.5, 2000, "job", "b", "env", "x")));
        }
        try (LocalTimestream ts = LocalTimestream.open(path, false)) {
            assertEquals(List.of(
                    Arrays.asList(null, "a", "up", "1970-01-01 00:00:01.000000000", "1.5"),
                    Arrays.asList("x", "b", "up", "1970-01-01 00:00:02.000000000", "2.5")),
                    queryAll(ts.queryClient(), "SELECT * FROM \"db\".\"t\" ORDER BY time"));
            // the stored record still decides duplicates after the restart
            assertThrows(RejectedRecordsException.class,
                    () -> ts.writeClient().writeRecords(write("db", "t", rec("up", 9, 1000, "job", "a"))));
            ts.writeClient().writeRecords(write("db", "t", rec("up", 3, 3000, "job", "c", "zone", "z")));
        }
        try (LocalTimestream ts = LocalTimestream.open(path, false)) {
            assertEquals(List.of(List.of("3")), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\""));
            assertEquals(6, queryAll(ts.queryClient(), "DESCRIBE \"db\".\"t\"").size());
        }
    }

    @Test
    void memoryDatabasesAreIndependentAndGoneAfterClose() {
        String name = Records.memName();
        try (LocalTimestream a = LocalTimestream.open(name, true);
             LocalTimestream b = LocalTimestream.open(Records.memName(), true)) {
            a.writeClient().writeRecords(write("db", "t", rec("up", 1, 1)));
            assertEquals(0, queryAll(b.queryClient(), "SHOW DATABASES").size());
        }
        try (LocalTimestream again = LocalTimestream.open(name, true)) {
            assertEquals(0, queryAll(again.queryClient(), "SHOW DATABASES").size());
        }
    }
}
