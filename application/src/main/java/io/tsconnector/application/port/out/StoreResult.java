package io.tsconnector.application.port.out;

import io.tsconnector.application.StorageException;
import java.util.List;

/**
 * What a {@link SeriesWriter} did: samples stored, samples the store rejected for good (with reasons),
 * and failures of whole destinations or batches.
 */
public record StoreResult(long written, long rejected, List<String> rejections, List<StorageException> failures) {
    public StoreResult {
        rejections = List.copyOf(rejections);
        failures = List.copyOf(failures);
    }

    public static StoreResult written(long written) {
        return new StoreResult(written, 0, List.of(), List.of());
    }

    public StoreResult plus(StoreResult other) {
        return new StoreResult(written + other.written, rejected + other.rejected,
                concat(rejections, other.rejections), concat(failures, other.failures));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        List<T> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
