package io.tsconnector.domain;

/**
 * Domain error: the one way the domain reports input that breaks one of its rules and cannot go on (a value
 * object that cannot be built, a query without a destination). It is typed: the documented {@link #errorName()}
 * (null where the seed documents none) and the {@link #detail()} naming the bad value, so no caller ever takes
 * the message apart. A rule break that the write path skips and counts instead is a {@link Violation}, which
 * carries the same two parts. It is an {@link IllegalArgumentException}, so code that guards against bad
 * arguments handles it without knowing the domain.
 */
public class DomainException extends IllegalArgumentException {
    private final ErrorName errorName;
    private final String detail;

    public DomainException(ErrorName errorName, String detail) {
        super(errorName == null ? detail : errorName.text() + ": " + detail);
        this.errorName = errorName;
        this.detail = detail;
    }

    /** A broken rule the seed has no error name for, e.g. a duplicate label name. */
    public DomainException(String detail) {
        this(null, detail);
    }

    /** A broken rule the seed has no error name for, found by a library that says why in {@code cause}. */
    public DomainException(String detail, Throwable cause) {
        this(null, detail);
        initCause(cause);
    }

    /** The documented error name, or null. */
    public ErrorName errorName() {
        return errorName;
    }

    /** What was wrong, naming the bad value, without the error name. */
    public String detail() {
        return detail;
    }
}
