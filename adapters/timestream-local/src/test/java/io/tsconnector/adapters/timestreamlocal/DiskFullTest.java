package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamwrite.model.InternalServerException;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

/** A full disk on a small tmpfs (needs the right to mount; skipped elsewhere). */
class DiskFullTest {
    @TempDir
    Path dir;

    private static boolean run(String... command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
    }

    private static List<Record> call(int n) {
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(rec("m", n * 100 + i, 1000L + n * 100 + i, "job", "j" + i, "pad", "x".repeat(200) + n));
        }
        return batch;
    }

    @Test
    void aFullDiskRefusesWritesWithOneLineKeepsWhatWasAcknowledgedAndRecovers() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString()), "cannot mount a small file system here");
        try {
            Path filler = mount.resolve("filler");
            try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
                f.write(new byte[12 * 1024 * 1024]);
            }
            int acknowledged = 0;
            try (LocalTimestream ts = LocalTimestream.open(mount.resolve("data").toString(), true)) {
                ts.diskReserve(4L * 1024 * 1024);
                InternalServerException refused = null;
                for (int n = 0; n < 100_000 && refused == null; n++) {
                    try {
                        ts.writeClient().writeRecords(write("db", "t", call(n)));
                        acknowledged++;
                    } catch (InternalServerException e) {
                        refused = e;
                    }
                }
                assertTrue(refused != null, "the disk never filled");
                assertEquals(500, refused.statusCode());
                assertTrue(refused.getMessage().startsWith("the local storage's disk is full"), refused.getMessage());
                assertTrue(!refused.getMessage().contains("\n"), refused.getMessage());
                // every acknowledged call is there, nothing of the refused one
                assertEquals(List.of(List.of(Integer.toString(acknowledged * 100))), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\""));
                Files.delete(filler);
                Thread.sleep(300);
                ts.writeClient().writeRecords(write("db", "t", call(acknowledged)));
                acknowledged++;
            }
            try (LocalTimestream ts = LocalTimestream.open(mount.resolve("data").toString(), true)) {
                assertEquals(List.of(List.of(Integer.toString(acknowledged * 100))), queryAll(ts.queryClient(), "SELECT count(*) FROM \"db\".\"t\""));
            }
        } finally {
            run("umount", mount.toString());
        }
    }
}
