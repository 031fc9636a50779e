package io.tsconnector.adapters.protocol;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test helper: holds every write to an in-memory store until closed, so a test can keep requests in flight. */
public final class WriteGate implements AutoCloseable {
    private final InMemorySeriesStore store;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private WriteGate(InMemorySeriesStore store) {
        this.store = store;
        store.injectFailures((op, d) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }

    public static WriteGate on(InMemorySeriesStore store) {
        return new WriteGate(store);
    }

    /** Waits until a write reached the store; false after 10 s without one. */
    public boolean awaitWrite() throws InterruptedException {
        return entered.await(10, TimeUnit.SECONDS);
    }

    /** Lets the held writes and every later one through. */
    @Override
    public void close() {
        release.countDown();
        store.clearFailures();
    }
}
