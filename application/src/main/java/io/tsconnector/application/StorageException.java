package io.tsconnector.application;

/** A store could not do what was asked; subclasses say whether repeating the request can succeed. */
public abstract class StorageException extends RuntimeException {
    protected StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same request may succeed later (throttling, outage, timeout). */
    public abstract boolean isRetryable();
}
