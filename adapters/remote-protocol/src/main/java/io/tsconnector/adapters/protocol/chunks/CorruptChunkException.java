package io.tsconnector.adapters.protocol.chunks;

/** Error: chunk bytes that are truncated or not a valid Prometheus XOR chunk. */
public final class CorruptChunkException extends IllegalArgumentException {
    public CorruptChunkException(String message) {
        super(message);
    }
}
