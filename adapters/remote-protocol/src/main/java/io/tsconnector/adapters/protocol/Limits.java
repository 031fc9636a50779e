package io.tsconnector.adapters.protocol;

/**
 * Bounds on what one request may cost.
 *
 * @param maxDecodedBytes largest decompressed request body; a snappy header declaring more is refused with 413
 *        before anything is allocated (default 32 MiB, as Prometheus' own receiver)
 * @param maxReadSamples most samples one SAMPLES read response may hold (default 10,000,000); more gives 400,
 *        as in Prometheus' remote-read handler
 */
public record Limits(int maxDecodedBytes, long maxReadSamples) {
    public static final Limits DEFAULT = new Limits(32 << 20, 10_000_000L);

    public Limits {
        if (maxDecodedBytes <= 0) {
            throw new IllegalArgumentException("maxDecodedBytes must be positive: " + maxDecodedBytes);
        }
        if (maxReadSamples <= 0) {
            throw new IllegalArgumentException("maxReadSamples must be positive: " + maxReadSamples);
        }
    }

    /** The largest raw (compressed) body worth reading: anything longer cannot decompress within the limit. */
    public int maxBodyBytes() {
        return Snappy.maxCompressedLength(maxDecodedBytes);
    }
}
