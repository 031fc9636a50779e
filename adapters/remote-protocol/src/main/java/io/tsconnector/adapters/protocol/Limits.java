package io.tsconnector.adapters.protocol;

import java.time.Duration;

/**
 * Bounds on what one request may cost.
 *
 * @param maxDecodedBytes largest decompressed request body; a snappy header declaring more is refused with 413
 *        before anything is allocated (default 32 MiB, as Prometheus' own receiver)
 * @param maxReadSamples most samples one SAMPLES read response may hold (default 10,000,000); more gives 400,
 *        as in Prometheus' remote-read handler
 * @param maxMatcherBytes longest value of one label matcher of a read request in UTF-8 bytes (default 4 KiB);
 *        a longer one is refused with 400 naming the limit, since matching cost grows with the pattern
 * @param readTimeout how long one remote-read request may take (default 1 minute, Prometheus' default
 *        {@code remote_timeout} of remote read); past it the store's work is stopped and the answer is 503
 */
public record Limits(int maxDecodedBytes, long maxReadSamples, int maxMatcherBytes, Duration readTimeout) {
    public static final int DEFAULT_MAX_MATCHER_BYTES = 4096;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(1);
    public static final Limits DEFAULT = new Limits(32 << 20, 10_000_000L, DEFAULT_MAX_MATCHER_BYTES, DEFAULT_READ_TIMEOUT);

    public Limits {
        if (maxDecodedBytes <= 0) {
            throw new IllegalArgumentException("maxDecodedBytes must be positive: " + maxDecodedBytes);
        }
        if (maxReadSamples <= 0) {
            throw new IllegalArgumentException("maxReadSamples must be positive: " + maxReadSamples);
        }
        if (maxMatcherBytes <= 0) {
            throw new IllegalArgumentException("maxMatcherBytes must be positive: " + maxMatcherBytes);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout must be positive: " + readTimeout);
        }
    }

    /** Limits with the default read timeout. */
    public Limits(int maxDecodedBytes, long maxReadSamples, int maxMatcherBytes) {
        this(maxDecodedBytes, maxReadSamples, maxMatcherBytes, DEFAULT_READ_TIMEOUT);
    }

    /** Limits with the default matcher bound and read timeout. */
    public Limits(int maxDecodedBytes, long maxReadSamples) {
        this(maxDecodedBytes, maxReadSamples, DEFAULT_MAX_MATCHER_BYTES, DEFAULT_READ_TIMEOUT);
    }

    /** These limits with another read timeout. */
    public Limits withReadTimeout(Duration timeout) {
        return new Limits(maxDecodedBytes, maxReadSamples, maxMatcherBytes, timeout);
    }

    /** The largest raw (compressed) body worth reading: anything longer cannot decompress within the limit. */
    public int maxBodyBytes() {
        return Snappy.maxCompressedLength(maxDecodedBytes);
    }
}
