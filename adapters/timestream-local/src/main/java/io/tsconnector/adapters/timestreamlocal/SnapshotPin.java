package io.tsconnector.adapters.timestreamlocal;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Keeps the file store from dropping the chunks an open streaming cursor still reads. A lazy result of an
 * auto-commit statement reads the version it started on, but H2 does not count it as a user of that version,
 * so its background housekeeping may free the chunks under it while the cursor is open (h2database#4142:
 * "Chunk N not found", after which the store stops). Registering the version for the cursor's lifetime is what
 * H2's own transactions do; the space held is freed when the cursor closes.
 */
final class SnapshotPin implements AutoCloseable {
    private static final SnapshotPin NONE = new SnapshotPin(null, null);

    private final MVStore store;
    private MVStore.TxCounter counter;

    private SnapshotPin(MVStore store, MVStore.TxCounter counter) {
        this.store = store;
        this.counter = counter;
    }

    /** Pins the current version of the database of an embedded connection (before its query starts). */
    static SnapshotPin pin(Connection connection) {
        try {
            Session session = connection.unwrap(JdbcConnection.class).getSession();
            if (session instanceof SessionLocal local && local.getDatabase().getStore() != null) {
                MVStore store = local.getDatabase().getStore().getMvStore();
                return new SnapshotPin(store, store.registerVersionUsage());
            }
        } catch (SQLException | RuntimeException e) {
            // not an embedded H2 connection: nothing to pin
        }
        return NONE;
    }

    @Override
    public void close() {
        MVStore.TxCounter c = counter;
        counter = null;
        if (c != null && !store.isClosed()) {
            store.deregisterVersionUsage(c);
        }
    }
}
