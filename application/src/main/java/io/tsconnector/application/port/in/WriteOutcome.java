package io.tsconnector.application.port.in;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.StorageException;
import io.tsconnector.domain.IgnoreReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Result of one write: samples received and stored, samples not stored by reason, messages that say
 * what was wrong, and store failures (each retryable or not).
 */
public record WriteOutcome(long received, long written, Map<IgnoreReason, Long> ignored, List<String> problems,
                           List<StorageException> failures) {
    public WriteOutcome {
        ignored = Collections.unmodifiableMap(ignored.isEmpty() ? new EnumMap<>(IgnoreReason.class) : new EnumMap<>(ignored));
        problems = List.copyOf(problems);
        failures = List.copyOf(failures);
    }

    public long ignored(IgnoreReason reason) {
        return ignored.getOrDefault(reason, 0L);
    }

    public long ignoredTotal() {
        long n = 0;
        for (long v : ignored.values()) {
            n += v;
        }
        return n;
    }

    /** Samples lost for good that the caller must hear about (never storable or rejected by the store). */
    public long rejected() {
        long n = 0;
        for (Map.Entry<IgnoreReason, Long> e : ignored.entrySet()) {
            if (e.getKey().policy() == IgnoreReason.Policy.ALWAYS_REJECT) {
                n += e.getValue();
            }
        }
        return n;
    }

    /** Whether a store failure may clear if the whole request is sent again. */
    public boolean isRetryable() {
        for (StorageException f : failures) {
            if (f.isRetryable()) {
                return true;
            }
        }
        return false;
    }

    /** The first failure that can never succeed, or null. */
    public NeverRetryException permanentFailure() {
        for (StorageException f : failures) {
            if (f instanceof NeverRetryException n) {
                return n;
            }
        }
        return null;
    }

    /** Whether everything that could be stored was stored and nothing was lost except by the skip options. */
    public boolean isComplete() {
        return failures.isEmpty() && rejected() == 0;
    }
}
