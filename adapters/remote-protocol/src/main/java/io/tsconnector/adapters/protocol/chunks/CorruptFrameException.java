package io.tsconnector.adapters.protocol.chunks;

import java.io.IOException;

/** Error: a streamed remote-read frame that is truncated, too large or fails its CRC32C check. */
public final class CorruptFrameException extends IOException {
    public CorruptFrameException(String message) {
        super(message);
    }
}
