package io.tsconnector.adapters.timestreamlocal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses writes while the file system of the storage directory has less than a reserve free. H2's file store
 * stops for good when one of its writes fails, and the calls it acknowledged since its last write would be lost
 * with it; refusing in time keeps every acknowledged call and lets writes resume once space is freed.
 */
final class DiskGuard {
    /** Free space kept: room for the file store's pending writes and the compaction at close. */
    static final long DEFAULT_RESERVE_BYTES = 64L * 1024 * 1024;
    private static final long CHECK_EVERY_NANOS = 250_000_000L;

    private final Path directory;
    private final FileStore fileStore;
    volatile long reserveBytes = DEFAULT_RESERVE_BYTES;
    private volatile long checkedAt;
    private volatile long free = Long.MAX_VALUE;

    DiskGuard(Path directory) throws IOException {
        this.directory = directory;
        this.fileStore = Files.getFileStore(directory);
    }

    /**
     * @throws software.amazon.awssdk.services.timestreamwrite.model.InternalServerException (a 503 for the
     *         request, nothing of it stored) while the free space is below the reserve
     */
    void check() {
        long now = System.nanoTime();
        if (now - checkedAt > CHECK_EVERY_NANOS) {
            try {
                free = fileStore.getUsableSpace();
            } catch (IOException e) {
                free = Long.MAX_VALUE; // unknown: let the write itself tell
            }
            checkedAt = now;
        }
        if (free < reserveBytes) {
            throw Errors.writeInternal("the local storage's disk is full: " + free / (1024 * 1024) + " MiB free on the file system of "
                    + directory + ", " + reserveBytes / (1024 * 1024) + " MiB needed; nothing of this request was stored, "
                    + "writes resume when space is freed", null);
        }
    }
}
