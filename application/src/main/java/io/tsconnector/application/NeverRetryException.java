package io.tsconnector.application;

import java.util.Objects;

/** The request can never succeed as it is: invalid, aimed at something missing, or not allowed. */
public class NeverRetryException extends StorageException {
    /** What is wrong, which decides the status code the caller sees. */
    public enum Kind {
        /** The data or the request is invalid (400). */
        INVALID,
        /** The database or table does not exist (404). */
        NOT_FOUND,
        /** The store refused access (403). */
        ACCESS_DENIED
    }

    private final Kind kind;

    public NeverRetryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind);
    }

    public NeverRetryException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
