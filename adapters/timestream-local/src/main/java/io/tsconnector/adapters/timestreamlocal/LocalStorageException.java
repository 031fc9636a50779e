package io.tsconnector.adapters.timestreamlocal;

/** Failure of the local storage itself (its directory, lock or files), with a one-line message for the operator. */
public final class LocalStorageException extends RuntimeException {
    LocalStorageException(String message) {
        super(message);
    }

    LocalStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
