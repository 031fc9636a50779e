package io.tsconnector.adapters.timestreamlocal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;

/** In-memory view of the databases and tables held in H2, with the physical names behind them. */
final class Catalog {
    static final String CATALOG_SCHEMA = "ts$catalog";
    static final String TIME = "time";
    static final String MEASURE_NAME = "measure_name";
    static final String SERIES_ID = "ts_id";
    static final String VERSION = "ts_version";
    static final String SERIES_SUFFIX = "$series";
    /** Samples that do not fit a key of {@link #POINTS_SUFFIX}: (series id, time, value, version), layout 2's shape. */
    static final String SAMPLES_SUFFIX = "$samples";
    /** Samples keyed by one BIGINT {@link #KEY}: whole milliseconds of series with an id below {@link #KEY_SERIES_LIMIT}. */
    static final String POINTS_SUFFIX = "$points";
    static final String KEY = "ts_k";
    /**
     * Runs of a series' DOUBLE samples of the default version at whole milliseconds, one {@link SampleBlock} per
     * row keyed by the {@link #KEY} of its first sample, with its last time and its number of samples.
     */
    static final String BLOCKS_SUFFIX = "$blocks";
    static final String BLOCK_LAST = "ts_last";
    static final String BLOCK_COUNT = "ts_n";
    static final String BLOCK_DATA = "ts_b";
    /** Column of the engine's own read of a table naming a series whose head it adds (see {@link H2Store#viewQuery}). */
    static final String HEAD_SERIES = "ts_h";
    /** Bits of a key that hold the epoch millisecond; the series id sits above them. */
    static final int KEY_TIME_BITS = 42;
    /** Keys cover the milliseconds [0, 2^42): 1970 to 2109. */
    static final long KEY_TIME_LIMIT = 1L << KEY_TIME_BITS;
    /** Series ids below 2^21 get keys, which keeps every key positive. */
    static final long KEY_SERIES_LIMIT = 1L << (63 - KEY_TIME_BITS);
    /** The one table per Timestream table of layout 1, converted on open (see {@link LayoutConversion}). */
    static final String OLD_DATA_SUFFIX = "$data";
    static final List<MeasureValueType> VALUE_TYPES = List.of(
            MeasureValueType.DOUBLE, MeasureValueType.BIGINT, MeasureValueType.VARCHAR, MeasureValueType.BOOLEAN);

    final Map<String, DatabaseMeta> databases = new ConcurrentHashMap<>();

    static String valueColumn(MeasureValueType type) {
        return "measure_value::" + type.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The column of the samples table that holds values of a type. */
    static String storageColumn(MeasureValueType type) {
        return "ts_v_" + type.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The storage type of a value column. DOUBLE values are kept as their IEEE 754 bits in a BIGINT because H2
     * folds -0.0 into 0.0 in every DOUBLE value; queries see them as DOUBLE through {@link SqlTranslator} and
     * {@link QueryEngine}.
     */
    static String sqlType(MeasureValueType type) {
        switch (type) {
            case DOUBLE: return "BIGINT";
            case BIGINT: return "BIGINT";
            case BOOLEAN: return "BOOLEAN";
            default: return "VARCHAR";
        }
    }

    /**
     * The key of a sample in the points table: the series id above the epoch millisecond, so that one series'
     * samples are one key range in time order. -1 when the sample does not fit one (a time that is not a whole
     * millisecond, before 1970 or after 2109, or a series id of 2^21 or more); it is kept in the samples table.
     */
    static long key(long seriesId, long timeNanos) {
        if (seriesId < 0 || seriesId >= KEY_SERIES_LIMIT || timeNanos < 0 || timeNanos % 1_000_000L != 0) {
            return -1;
        }
        long millis = timeNanos / 1_000_000L;
        return millis < KEY_TIME_LIMIT ? (seriesId << KEY_TIME_BITS) | millis : -1;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String schemaName(String database) {
        return "db$" + database;
    }

    /** A Timestream database. */
    static final class DatabaseMeta {
        final String name;
        final long createdMillis;
        final Map<String, TableMeta> tables = new ConcurrentHashMap<>();

        DatabaseMeta(String name, long createdMillis) {
            this.name = name;
            this.createdMillis = createdMillis;
        }
    }

    /**
     * A series of a table as the writers see it: its id and the latest sample time known to be stored or being
     * stored ({@link #UNKNOWN} until looked up after a restart). Over-estimating is safe, the next write looks up.
     */
    static final class SeriesState {
        static final long UNKNOWN = Long.MAX_VALUE;
        private final long id;
        private final java.util.concurrent.atomic.AtomicLong lastNanos;

        SeriesState(long id, long lastNanos) {
            this.id = id;
            this.lastNanos = new java.util.concurrent.atomic.AtomicLong(lastNanos);
            this.outsideLastNanos = lastNanos == UNKNOWN ? UNKNOWN : Long.MIN_VALUE;
            this.blockLastMillis = lastNanos == UNKNOWN ? UNKNOWN : Long.MIN_VALUE;
        }

        long id() {
            return id;
        }

        long lastNanos() {
            return lastNanos.get();
        }

        /** Raises the known last time; replaces {@link #UNKNOWN} with a looked-up value. */
        void advance(long nanos) {
            lastNanos.updateAndGet(cur -> cur == UNKNOWN ? nanos : Math.max(cur, nanos));
        }

        /**
         * The series' newest block-eligible samples, not yet in its blocks table (see {@link H2Store}): appended
         * in time order, all newer than anything stored, guarded by the table's {@link TableMeta#heads} lock.
         */
        long[] headMillis = EMPTY;
        long[] headBits = EMPTY;
        int headSize;
        /** Write-log segment current when the head's oldest sample was appended: that segment and later ones hold it. */
        long headPin;
        /** Wall clock when the head's oldest sample was appended. */
        long headSinceMillis;
        /**
         * Latest time of the series' samples in the points and samples tables, and latest millisecond of its
         * blocks ({@link #UNKNOWN} until looked up after a restart; over-estimates are safe): a DOUBLE sample of
         * the default version newer than both and not in the head is in no table, and goes to the head.
         */
        long outsideLastNanos;
        long blockLastMillis;
        /** Key, first time and count of the series' newest block written by this process, for merging a partial one; -1 unknown. */
        long lastBlockKey = -1;
        int lastBlockCount;

        private static final long[] EMPTY = new long[0];

        void headAppend(long millis, long bits) {
            if (headSize == headMillis.length) {
                int cap = Math.min(SampleBlock.MAX_SAMPLES, Math.max(8, headSize * 2));
                headMillis = java.util.Arrays.copyOf(headMillis, Math.max(cap, headSize + 1));
                headBits = java.util.Arrays.copyOf(headBits, Math.max(cap, headSize + 1));
            }
            headMillis[headSize] = millis;
            headBits[headSize] = bits;
            headSize++;
        }

        /**
         * Empties the head and gives back its arrays: a series whose head went into blocks at a checkpoint
         * (no sample for an hour, or a full write log) may never be written again, and its 2 KiB would stay.
         */
        void headRelease() {
            headSize = 0;
            headMillis = EMPTY;
            headBits = EMPTY;
        }

        /** Drops the head's first {@code n} samples. */
        void headDrop(int n) {
            System.arraycopy(headMillis, n, headMillis, 0, headSize - n);
            System.arraycopy(headBits, n, headBits, 0, headSize - n);
            headSize -= n;
        }

        /** The head's index of a time, or -1. */
        int headIndex(long millis) {
            int i = java.util.Arrays.binarySearch(headMillis, 0, headSize, millis);
            return i >= 0 ? i : -1;
        }
    }

    /** A Timestream table: its dimension columns, the measure value types written so far and its series index. */
    static final class TableMeta {
        final String database;
        final String name;
        final long createdMillis;
        /** Writers hold the read lock; schema changes (new dimension or value type) take the write lock. */
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private volatile Set<String> dimensions;
        private volatile Set<MeasureValueType> valueTypes;
        /** Series key (see {@link TimestreamRules#seriesKey}) to series; loaded on open, grown by writers. */
        final Map<String, SeriesState> series = new ConcurrentHashMap<>();
        /** The same series by id. */
        final Map<Long, SeriesState> seriesById = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong nextSeriesId = new java.util.concurrent.atomic.AtomicLong(1);
        /**
         * Guards the series' heads and every change of the blocks table: writers store under it, a flush of heads
         * into blocks takes it, and a read copies the heads and takes its snapshot under it, so a sample is seen
         * exactly once, in a head or in a block.
         */
        final java.util.concurrent.locks.ReentrantLock heads = new java.util.concurrent.locks.ReentrantLock();
        /** Samples in the heads of this table's series. */
        final java.util.concurrent.atomic.AtomicLong headSamples = new java.util.concurrent.atomic.AtomicLong();
        /** Raised by every schema change, under the write lock: a streaming cursor must not read across one. */
        volatile int schemaVersion;

        TableMeta(String database, String name, long createdMillis, Set<String> dimensions, Set<MeasureValueType> valueTypes) {
            this.database = database;
            this.name = name;
            this.createdMillis = createdMillis;
            this.dimensions = Set.copyOf(new TreeSet<>(dimensions));
            this.valueTypes = valueTypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(valueTypes));
        }

        Set<String> dimensions() {
            return dimensions;
        }

        Set<MeasureValueType> valueTypes() {
            return valueTypes;
        }

        void setDimensions(Set<String> dims) {
            this.dimensions = Set.copyOf(dims);
        }

        void setValueTypes(Set<MeasureValueType> types) {
            this.valueTypes = Set.copyOf(types);
        }

        String seriesTable() {
            return quote(schemaName(database)) + "." + quote(name + SERIES_SUFFIX);
        }

        String samplesTable() {
            return quote(schemaName(database)) + "." + quote(name + SAMPLES_SUFFIX);
        }

        String pointsTable() {
            return quote(schemaName(database)) + "." + quote(name + POINTS_SUFFIX);
        }

        String blocksTable() {
            return quote(schemaName(database)) + "." + quote(name + BLOCKS_SUFFIX);
        }

        String view() {
            return quote(schemaName(database)) + "." + quote(name);
        }

        /** Visible columns in the stable order of SELECT * and DESCRIBE: sorted dimensions, measure_name, time, values. */
        List<String[]> visibleColumns() {
            List<String[]> cols = new ArrayList<>();
            for (String d : new TreeSet<>(dimensions)) {
                cols.add(new String[] {d, "varchar", "DIMENSION"});
            }
            cols.add(new String[] {MEASURE_NAME, "varchar", "MEASURE_NAME"});
            cols.add(new String[] {TIME, "timestamp", "TIMESTAMP"});
            for (MeasureValueType t : VALUE_TYPES) {
                if (valueTypes.contains(t)) {
                    cols.add(new String[] {valueColumn(t), t.toString().toLowerCase(java.util.Locale.ROOT), "MEASURE_VALUE"});
                }
            }
            return cols;
        }
    }
}
