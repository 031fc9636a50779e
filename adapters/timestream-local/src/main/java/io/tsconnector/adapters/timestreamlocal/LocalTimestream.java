package io.tsconnector.adapters.timestreamlocal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * Embedded Timestream: SDK write and query clients backed by H2, enforcing Timestream's write rules
 * and running Timestream SQL, for local mode and as the store behind the fake Timestream endpoint.
 */
public final class LocalTimestream implements AutoCloseable {
    /** File in the storage directory locked while an engine has the directory open. */
    static final String LOCK_FILE = "connector.lock";
    private static final System.Logger LOG = System.getLogger(LocalTimestream.class.getName());

    private final H2Store store;
    private final QueryEngine queryEngine;
    private final LocalWriteClient writeClient;
    private final LocalQueryClient queryClient;
    private final Path directory;
    private final FileChannel lockChannel;
    private final Duration retention;
    private final ScheduledExecutorService retentionTask;
    private final DiskGuard disk;
    /** Null for an in-memory engine. */
    private final WriteLog writeLog;
    private final ScheduledExecutorService checkpointTask;
    private final java.util.concurrent.atomic.AtomicBoolean checkpointQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** How often the write log's older segments are made unneeded by a checkpoint. */
    static final long CHECKPOINT_EVERY_MILLIS = 10_000L;
    /**
     * A head (a series' newest samples, in memory until they fill a block) older than this is written as a block
     * at the next checkpoint: the write log keeps every segment a head's sample is in, so this bounds the log of
     * a series that stopped. Heads fill up before: a block spans at most {@link SampleBlock#SPAN_MILLIS}.
     */
    static final long HEAD_AGE_MILLIS = SampleBlock.SPAN_MILLIS;
    /** Above this many bytes of write log, a checkpoint writes every head as a block, so the log (and a replay) stays short. */
    static final long LOG_LIMIT_BYTES = 64L << 20;
    /** Above this many samples in heads over all tables, a checkpoint writes every head as a block. */
    static final long HEAD_LIMIT_SAMPLES = 2_000_000L;

    private static DiskGuard diskGuard(Path directory) {
        try {
            return new DiskGuard(directory);
        } catch (IOException e) {
            throw new LocalStorageException("cannot find the file system of " + directory + ": " + reason(e), e);
        }
    }

    private LocalTimestream(H2Store store, boolean createTablesOnWrite, Path directory, FileChannel lockChannel,
                            Duration retention) {
        this.store = store;
        this.queryEngine = new QueryEngine(store);
        this.disk = directory == null ? null : diskGuard(directory);
        this.writeClient = new LocalWriteClient(store, createTablesOnWrite, disk);
        this.queryClient = new LocalQueryClient(queryEngine);
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.retention = retention;
        if (directory != null) {
            try {
                this.writeLog = replayWriteLog(store, writeClient, directory);
            } catch (RuntimeException e) {
                try {
                    store.close();
                } catch (SQLException | RuntimeException ignored) {
                    // failing anyway
                }
                throw e;
            }
            checkpointTask = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "local-timestream-checkpoint");
                t.setDaemon(true);
                return t;
            });
            checkpointTask.scheduleWithFixedDelay(this::checkpointRun, CHECKPOINT_EVERY_MILLIS, CHECKPOINT_EVERY_MILLIS,
                    TimeUnit.MILLISECONDS);
        } else {
            this.writeLog = null;
            checkpointTask = null;
        }
        if (retention != null) {
            long periodMillis = Math.max(1_000L, Math.min(retention.toMillis() / 10, 60_000L));
            retentionTask = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "local-timestream-retention");
                t.setDaemon(true);
                return t;
            });
            retentionTask.scheduleWithFixedDelay(this::retentionRun, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        } else {
            retentionTask = null;
        }
    }

    /**
     * Applies what the write log holds from before this open (the calls of a process that stopped without
     * closing the engine), checkpoints it into H2 and deletes it; returns the log new calls append to.
     */
    private WriteLog replayWriteLog(H2Store store, LocalWriteClient writes, Path dir) {
        WriteLog wal;
        try {
            wal = new WriteLog(dir, this::queueCheckpoint);
        } catch (IOException e) {
            throw new LocalStorageException("cannot open the write log in " + dir + ": " + reason(e), e);
        }
        try {
            long current = wal.sequence();
            long replayed = WriteLog.replay(dir, current, writes::replay);
            if (replayed > 0) {
                // the segments replayed are deleted next: what they hold must be in H2, heads included
                store.flushAllHeads();
                store.checkpoint();
                LOG.log(System.Logger.Level.INFO, "Local storage: applied " + replayed + " records from the write log of "
                        + dir + " (written before the last stop, which did not close the storage)");
            }
            wal.deleteBefore(current);
        } catch (IOException | SQLException | RuntimeException e) {
            try {
                wal.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            String why = e instanceof IOException io ? reason(io) : firstLine(e.getMessage());
            throw new LocalStorageException("cannot apply the write log in " + dir + ": " + why, e);
        }
        store.segment(wal::sequence);
        writes.log(wal);
        return wal;
    }

    private void queueCheckpoint() {
        if (checkpointTask != null && checkpointQueued.compareAndSet(false, true)) {
            try {
                checkpointTask.execute(this::checkpointRun);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                checkpointQueued.set(false); // closing
            }
        }
    }

    /**
     * Starts a new segment of the write log, writes the heads that are old (or all of them, when the log or the
     * heads grew past their limits) as blocks, has H2 write and sync everything committed, then deletes the older
     * segments that no head's sample is in: everything else they hold was committed before the new segment started.
     */
    void checkpoint() throws IOException, SQLException {
        checkpointQueued.set(false);
        boolean written = writeLog.currentSegmentBytes() > 0;
        if (!written && checkpointed) {
            return; // nothing written since the last checkpoint
        }
        checkpointed = false;
        long current = written ? writeLog.rotate() : writeLog.sequence();
        long now = System.currentTimeMillis();
        boolean all = writeLog.totalBytes() > LOG_LIMIT_BYTES || store.headSamples() > HEAD_LIMIT_SAMPLES;
        for (Catalog.DatabaseMeta db : store.catalog.databases.values()) {
            for (Catalog.TableMeta t : db.tables.values()) {
                store.flushHeads(t, s -> all || now - s.headSinceMillis >= HEAD_AGE_MILLIS);
            }
        }
        // the heads are looked at before H2 syncs: a head that becomes a block after this look keeps its
        // segments, a block written before it is synced
        long keep = Math.min(current, store.oldestHeadPin());
        store.checkpoint();
        writeLog.deleteBefore(keep);
        checkpointed = keep == current;
    }

    /** Whether the last checkpoint left no older segment behind. */
    private volatile boolean checkpointed = true;

    private void checkpointRun() {
        try {
            if (!store.isClosed()) {
                checkpoint();
            }
        } catch (IOException | SQLException | RuntimeException e) {
            if (!store.isClosed()) {
                LOG.log(System.Logger.Level.WARNING, "Local storage checkpoint failed (the write log keeps its segments "
                        + "and is tried again): " + (e instanceof IOException io ? reason(io) : firstLine(e.getMessage())));
            }
        }
    }

    /**
     * Opens an engine that keeps data until it is deleted.
     *
     * @param path a directory for a file database (created if missing; data survive close and reopen),
     *             or {@code mem:<name>} for an in-memory database that lives until {@link #close()}
     * @param createTablesOnWrite whether WriteRecords creates a missing database and table instead of
     *             failing with ResourceNotFoundException
     */
    public static LocalTimestream open(String path, boolean createTablesOnWrite) {
        return open(path, createTablesOnWrite, null);
    }

    /**
     * Opens an engine whose samples older than {@code retention} are deleted in the background (and the space
     * given back to the file system); {@code null} keeps everything. A directory of an older layout is
     * converted on open.
     *
     * @throws LocalStorageException with one line saying what is wrong with the directory
     */
    public static LocalTimestream open(String path, boolean createTablesOnWrite, Duration retention) {
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("Retention must be positive: " + retention);
        }
        // H2 spills query results of more rows than MAX_MEMORY_ROWS to a temporary file; reads stream lazily
        // from the cursor (LAZY_QUERY_EXECUTION), so only sorted or grouped results are held at all. Compressed
        // pages (COMPRESS) halve the file while it runs at no measured cost in write or read time.
        String settings = ";DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000;MAX_MEMORY_ROWS=200000;LAZY_QUERY_EXECUTION=TRUE;COMPRESS=TRUE";
        if (path.startsWith("mem:")) {
            String name = path.substring(4);
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("In-memory database name must be letters, digits, '_', '.' or '-': " + path);
            }
            return open("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + settings, path, createTablesOnWrite, null, null, retention);
        }
        Path dir = Path.of(path).toAbsolutePath().normalize();
        FileChannel lock = lockDirectory(dir);
        try {
            return open("jdbc:h2:file:" + dir.resolve("timestream") + settings, path, createTablesOnWrite, dir, lock, retention);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    private static LocalTimestream open(String url, String path, boolean createTablesOnWrite, Path dir, FileChannel lock,
                                        Duration retention) {
        try {
            return new LocalTimestream(new H2Store(url), createTablesOnWrite, dir, lock, retention);
        } catch (SQLException e) {
            throw new LocalStorageException("cannot open the local storage at " + path + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Checks the directory and takes its lock, with one clear line for each way it can fail. */
    private static FileChannel lockDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new LocalStorageException("local storage path " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LocalStorageException("cannot create the local storage directory " + dir + ": " + reason(e), e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new LocalStorageException("local storage directory " + dir + " is not writable: " + reason(e), e);
        }
        try {
            FileLock held = channel.tryLock();
            if (held == null) {
                throw new OverlappingFileLockException();
            }
            return channel;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new LocalStorageException("local storage directory " + dir + " is already in use by another connector "
                    + "(it holds " + dir.resolve(LOCK_FILE) + "); stop it or choose another --local.path");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new LocalStorageException("cannot lock the local storage directory " + dir + ": " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        int sql = line.indexOf(" [");
        return sql > 0 ? line.substring(0, sql) : line;
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing else holds it
        }
    }

    /** The write client; closing it does nothing, the engine closes with {@link #close()}. */
    public TimestreamWriteClient writeClient() {
        return writeClient;
    }

    /** The query client; closing it does nothing, the engine closes with {@link #close()}. */
    public TimestreamQueryClient queryClient() {
        return queryClient;
    }

    /**
     * Makes every new query answer first with zero rows and a NextToken, as Timestream may (default: off).
     */
    public void forceEmptyFirstPage(boolean on) {
        queryEngine.forceEmptyFirstPage = on;
    }

    /** Sets how much of a query the translation moves into the table's query (default: all it can). */
    void plan(SqlTranslator.Plan plan) {
        queryEngine.plan = plan;
    }

    /** The databases and tables the engine holds. */
    Catalog catalog() {
        return store.catalog;
    }

    /**
     * Makes every page of a query answer hold at most {@code rows} rows (default and upper bound: Timestream's
     * page of {@value TimestreamRules#MAX_ROWS_PER_PAGE} rows), so a reader's paging is exercised by small data.
     */
    public void pageRows(int rows) {
        if (rows < 1 || rows > TimestreamRules.MAX_ROWS_PER_PAGE) {
            throw new IllegalArgumentException("rows per page must be 1 to " + TimestreamRules.MAX_ROWS_PER_PAGE + ": " + rows);
        }
        queryEngine.pageRows = rows;
    }

    /** How long a query may run from its first to its last page before it is cancelled with an error. */
    public void queryTimeout(Duration timeout) {
        queryEngine.queryTimeout = timeout;
    }

    /** Free space below which writes are refused (503, nothing stored) instead of risking a failed file write. */
    void diskReserve(long bytes) {
        disk.reserveBytes = bytes;
    }

    /** Bytes of the storage directory's files; 0 for an in-memory engine. */
    public long sizeOnDiskBytes() {
        if (directory == null) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed while walking
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Deletes the samples older than the retention, measured back from {@code nowMillis}; returns the number of
     * samples deleted. Runs in the background on its own.
     */
    public long applyRetention(long nowMillis) {
        if (retention == null) {
            return 0;
        }
        try {
            long cutoff = Math.multiplyExact(nowMillis - retention.toMillis(), 1_000_000L);
            // the freed pages are reused by new samples; the file shrinks with the full compaction at close
            return store.deleteBefore(cutoff);
        } catch (SQLException | ArithmeticException e) {
            throw new LocalStorageException("applying the retention failed: " + firstLine(e.getMessage()), e);
        }
    }

    private void retentionRun() {
        try {
            long deleted = applyRetention(System.currentTimeMillis());
            if (deleted > 0 && LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "Retention deleted " + deleted + " samples older than " + retention);
            }
        } catch (RuntimeException e) {
            if (!store.isClosed()) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
        }
    }

    private static void stop(ScheduledExecutorService task) {
        if (task == null) {
            return;
        }
        task.shutdownNow();
        try {
            task.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(retentionTask);
        stop(checkpointTask);
        queryEngine.closeCursors();
        try {
            store.close();
            if (writeLog != null) {
                // H2 wrote everything at its shutdown: the log is not needed at the next open
                writeLog.close();
                writeLog.deleteBefore(Long.MAX_VALUE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Closing the local Timestream database failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("Closing the local write log failed: " + reason(e), e);
        } finally {
            closeQuietly(lockChannel);
        }
    }
}
