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
    static final String SERIES = "ts_series";
    static final String VERSION = "ts_version";
    static final List<MeasureValueType> VALUE_TYPES = List.of(
            MeasureValueType.DOUBLE, MeasureValueType.BIGINT, MeasureValueType.VARCHAR, MeasureValueType.BOOLEAN);

    final Map<String, DatabaseMeta> databases = new ConcurrentHashMap<>();

    static String valueColumn(MeasureValueType type) {
        return "measure_value::" + type.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The storage type of a value column. DOUBLE values are kept as their shortest exact text because H2
     * folds -0.0 into 0.0 in every DOUBLE value; queries see them as DOUBLE through {@link SqlTranslator}.
     */
    static String sqlType(MeasureValueType type) {
        switch (type) {
            case DOUBLE: return "VARCHAR";
            case BIGINT: return "BIGINT";
            case BOOLEAN: return "BOOLEAN";
            default: return "VARCHAR";
        }
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

    /** A Timestream table: its dimension columns and the measure value types written so far. */
    static final class TableMeta {
        final String database;
        final String name;
        final long createdMillis;
        /** Writers hold the read lock; schema changes (new dimension or value type) take the write lock. */
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private volatile Set<String> dimensions;
        private volatile Set<MeasureValueType> valueTypes;

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

        String dataTable() {
            return quote(schemaName(database)) + "." + quote(name + "$data");
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
