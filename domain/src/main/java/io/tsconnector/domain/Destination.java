package io.tsconnector.domain;

/** Value object: a Timestream database and table that series are stored in. */
public record Destination(String database, String table) {
    public Destination {
        if (database == null || database.isEmpty()) {
            throw new DomainException("destination database must not be empty (table '" + table + "')");
        }
        if (table == null || table.isEmpty()) {
            throw new DomainException("destination table must not be empty (database '" + database + "')");
        }
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
