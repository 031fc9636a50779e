package io.tsconnector.domain;

/** Value object: one broken storage rule, with a message naming the offending value. */
public record Violation(IgnoreReason reason, String message) {
    /** The message prefixed with the documented error name where there is one. */
    public String describe() {
        return reason.errorName() == null ? message : reason.errorName().text() + ": " + message;
    }
}
