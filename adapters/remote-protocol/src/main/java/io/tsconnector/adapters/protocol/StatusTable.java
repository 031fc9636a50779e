package io.tsconnector.adapters.protocol;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.StorageException;
import io.tsconnector.application.port.in.WriteOutcome;
import io.tsconnector.domain.DomainException;

/**
 * The one mapping from outcomes and failures to the HTTP status Prometheus sees: it retries 5xx and
 * drops 4xx, so only what can succeed later is a 5xx.
 */
public final class StatusTable {
    /** Seconds Prometheus is asked to wait before retrying a 503. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private StatusTable() {
    }

    public static int status(NeverRetryException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case ACCESS_DENIED -> 403;
        };
    }

    /** The answer to a write that ran: 204 when nothing was lost except by the skip options. */
    public static ProtocolResponse forWrite(WriteOutcome outcome) {
        String summary = "stored " + outcome.written() + " of " + outcome.received() + " samples";
        if (outcome.isRetryable()) {
            return retryLater(summary + "; retry the request, storing again is safe: " + problems(outcome));
        }
        NeverRetryException permanent = outcome.permanentFailure();
        if (permanent != null) {
            return ProtocolResponse.text(status(permanent.kind()), summary + "; " + problems(outcome));
        }
        if (outcome.rejected() > 0) {
            return ProtocolResponse.text(400, summary + "; " + outcome.rejected() + " rejected for good: "
                    + problems(outcome));
        }
        return ProtocolResponse.text(204, "");
    }

    private static String problems(WriteOutcome outcome) {
        return String.join("; ", outcome.problems());
    }

    /** The answer to a request that failed with an exception; unexpected ones are 500 and say nothing internal. */
    public static ProtocolResponse forFailure(Throwable t) {
        if (t instanceof ProtocolException p) {
            return ProtocolResponse.text(p.status(), p.getMessage());
        }
        if (t instanceof DomainException d) {
            return ProtocolResponse.text(400, d.getMessage());
        }
        if (t instanceof NeverRetryException n) {
            return ProtocolResponse.text(status(n.kind()), n.getMessage());
        }
        if (t instanceof StorageException s) {
            return retryLater(s.getMessage());
        }
        if (t instanceof OutOfMemoryError) {
            return retryLater("the connector is out of memory; retry later");
        }
        return ProtocolResponse.text(500, "internal error: " + t.getClass().getSimpleName());
    }

    public static ProtocolResponse retryLater(String message) {
        return ProtocolResponse.text(503, message).withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
}
