package io.tsconnector.application;

/** The store is throttling, unavailable or timed out; the same request may succeed later. */
public class RetryLaterException extends StorageException {
    public RetryLaterException(String message, Throwable cause) {
        super(message, cause);
    }

    public RetryLaterException(String message) {
        super(message, null);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
