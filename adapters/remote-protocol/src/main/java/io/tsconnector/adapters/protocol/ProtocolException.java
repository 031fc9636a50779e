package io.tsconnector.adapters.protocol;

/** A request the protocol cannot accept; carries the HTTP status from the status table. */
public final class ProtocolException extends RuntimeException {
    private final int status;

    public ProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    public ProtocolException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public static ProtocolException badRequest(String message) {
        return new ProtocolException(400, message);
    }

    public int status() {
        return status;
    }
}
