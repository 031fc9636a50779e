package io.tsconnector.domain;

/** A rule of the domain was broken by the input; the message names the bad value. */
public class DomainException extends RuntimeException {
    private final ErrorName errorName;

    public DomainException(ErrorName errorName, String message) {
        super(errorName.text() + ": " + message);
        this.errorName = errorName;
    }

    public ErrorName errorName() {
        return errorName;
    }
}
