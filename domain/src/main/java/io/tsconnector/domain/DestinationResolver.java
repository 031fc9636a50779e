package io.tsconnector.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Domain service: finds the Timestream destination of a series or a query from the configured
 * destination labels, falling back to the configured default database and table.
 */
public final class DestinationResolver {
    private final String databaseLabel;
    private final String tableLabel;
    private final String defaultDatabase;
    private final String defaultTable;

    /**
     * @param databaseLabel label carrying the database name, or null/empty when not configured
     * @param tableLabel label carrying the table name, or null/empty when not configured
     * @param defaultDatabase database for series without the label, or null/empty for none
     * @param defaultTable table for series without the label, or null/empty for none
     */
    public DestinationResolver(String databaseLabel, String tableLabel, String defaultDatabase, String defaultTable) {
        this.databaseLabel = blankToNull(databaseLabel);
        this.tableLabel = blankToNull(tableLabel);
        this.defaultDatabase = blankToNull(defaultDatabase);
        this.defaultTable = blankToNull(defaultTable);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public String databaseLabel() {
        return databaseLabel;
    }

    public String tableLabel() {
        return tableLabel;
    }

    /** Whether any destination can ever be resolved (labels or defaults for both parts). */
    public boolean isConfigured() {
        return (databaseLabel != null || defaultDatabase != null) && (tableLabel != null || defaultTable != null);
    }

    /**
     * The destination of a written series.
     *
     * @throws DomainException MissingDatabaseWithWriteError / MissingTableWithWriteError
     */
    public Destination forSeries(Labels labels) {
        String db = databaseLabel == null ? null : labels.get(databaseLabel);
        if (db == null) {
            db = defaultDatabase;
        }
        if (db == null) {
            throw new DomainException(ErrorName.MISSING_DATABASE_WITH_WRITE, databaseLabel == null
                    ? "no database label and no default database are configured; series " + labels
                    : "the given database label name: " + databaseLabel
                            + " cannot be found in the labels of the series " + labels + " and no default database is set");
        }
        String table = tableLabel == null ? null : labels.get(tableLabel);
        if (table == null) {
            table = defaultTable;
        }
        if (table == null) {
            throw new DomainException(ErrorName.MISSING_TABLE_WITH_WRITE, tableLabel == null
                    ? "no table label and no default table are configured; series " + labels
                    : "the given table label name: " + tableLabel
                            + " cannot be found in the labels of the series " + labels + " and no default table is set");
        }
        return new Destination(db, table);
    }

    /** The labels stored for a series: its labels without the destination labels. */
    public Labels storedLabels(Labels labels) {
        return labels.without(databaseLabel, tableLabel);
    }

    /**
     * The destination of a query: equality matchers on the destination labels, else the defaults.
     *
     * @throws DomainException MissingDatabaseWithQueryError / MissingTableWithQueryError
     */
    public Destination forQuery(List<Matcher> matchers) {
        String db = equalityValue(matchers, databaseLabel);
        if (db == null) {
            db = defaultDatabase;
        }
        if (db == null) {
            throw new DomainException(ErrorName.MISSING_DATABASE_WITH_QUERY,
                    "no Timestream database is specified in the query, please provide the database in the PromQL as a label matcher {"
                            + (databaseLabel == null ? "<database-label>" : databaseLabel) + "=\"<databaseName>\"}");
        }
        String table = equalityValue(matchers, tableLabel);
        if (table == null) {
            table = defaultTable;
        }
        if (table == null) {
            throw new DomainException(ErrorName.MISSING_TABLE_WITH_QUERY,
                    "no Timestream table is specified in the query, please provide the table in the PromQL as a label matcher {"
                            + (tableLabel == null ? "<table-label>" : tableLabel) + "=\"<tableName>\"}");
        }
        return new Destination(db, table);
    }

    private static String equalityValue(List<Matcher> matchers, String label) {
        if (label == null) {
            return null;
        }
        for (Matcher m : matchers) {
            if (m.type() == MatchType.EQ && m.name().equals(label) && !m.value().isEmpty()) {
                return m.value();
            }
        }
        return null;
    }

    /** The matchers that are conditions on stored data: all but those on the destination labels. */
    public List<Matcher> dataMatchers(List<Matcher> matchers) {
        List<Matcher> out = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            if (!isDestinationLabel(m.name())) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The destination labels a query's result series carry: those named by equality matchers. A series read
     * from a default destination carries none, as it was written without them.
     */
    public Labels resultLabels(List<Matcher> matchers) {
        Labels extra = Labels.empty();
        String db = equalityValue(matchers, databaseLabel);
        if (db != null) {
            extra = extra.with(databaseLabel, db);
        }
        String table = equalityValue(matchers, tableLabel);
        if (table != null) {
            extra = extra.with(tableLabel, table);
        }
        return extra;
    }

    public boolean isDestinationLabel(String name) {
        return name.equals(databaseLabel) || name.equals(tableLabel);
    }
}
