package io.tsconnector.adapters.protocol.chunks;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.proto.prometheus.ChunkedReadResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedFrameCodecTest {
    private static final int[] FIXTURE_CRCS = {0xd60a2f08, 0x6f6a38ad, 0xc50f7e93, 0xef857585};

    @Test
    void rewritingTheFixtureFramesReproducesPrometheusBodyByteForByte() throws IOException {
        ByteArrayOutputStream fromBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream fromMessages = new ByteArrayOutputStream();
        ChunkedFrameWriter bytesWriter = new ChunkedFrameWriter(fromBytes);
        ChunkedFrameWriter messageWriter = new ChunkedFrameWriter(fromMessages);
        for (int f = 0; f < FIXTURE_CRCS.length; f++) {
            byte[] msg = Captures.read("rr-streamed-response.frame-" + f + ".pb");
            bytesWriter.write(msg, 0, msg.length);
            messageWriter.write(ChunkedReadResponse.parseFrom(msg));
        }
        byte[] body = Captures.read("rr-streamed-response.bin");
        assertArrayEquals(body, fromBytes.toByteArray());
        assertArrayEquals(body, fromMessages.toByteArray());
    }

    @Test
    void fixtureFramesCarryTheDocumentedCrcs() throws IOException {
        byte[] body = Captures.read("rr-streamed-response.bin");
        int pos = 0;
        for (int crc : FIXTURE_CRCS) {
            int len = 0;
            int shift = 0;
            while ((body[pos] & 0x80) != 0) {
                len |= (body[pos++] & 0x7f) << shift;
                shift += 7;
            }
            len |= body[pos++] << shift;
            int got = ((body[pos] & 0xff) << 24) | ((body[pos + 1] & 0xff) << 16) | ((body[pos + 2] & 0xff) << 8)
                    | (body[pos + 3] & 0xff);
            assertEquals(crc, got);
            pos += 4 + len;
        }
        assertEquals(body.length, pos);
    }

    @Test
    void roundTripsMessagesOfManySizes() throws IOException {
        Random random = new Random(5);
        int[] sizes = {0, 1, 127, 128, 300, 16_383, 16_384, 70_000};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkedFrameWriter writer = new ChunkedFrameWriter(out);
        byte[][] msgs = new byte[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            msgs[i] = new byte[sizes[i]];
            random.nextBytes(msgs[i]);
            writer.write(msgs[i], 0, msgs[i].length);
        }
        ChunkedFrameReader reader = new ChunkedFrameReader(new ByteArrayInputStream(out.toByteArray()), 70_000);
        for (byte[] msg : msgs) {
            assertArrayEquals(msg, reader.nextFrame());
        }
        assertNull(reader.nextFrame());
        assertNull(reader.nextFrame(), "stays at end");
    }

    @Test
    void everyTruncationIsAnErrorExceptAtAFrameBoundary() throws IOException {
        byte[] body = Captures.read("rr-streamed-response.bin");
        for (int len = 1; len < body.length; len++) {
            ChunkedFrameReader reader = new ChunkedFrameReader(new ByteArrayInputStream(Arrays.copyOf(body, len)));
            int frames = 0;
            try {
                while (reader.nextFrame() != null) {
                    frames++;
                }
                // A clean end is only possible right after a whole frame.
                assertTrue(len == 300 || len == 300 + 304 || len == 300 + 304 + 268, "clean end at " + len);
            } catch (CorruptFrameException expected) {
                assertTrue(frames < 4);
            }
        }
    }

    @Test
    void crcMismatchIsAnError() throws IOException {
        byte[] body = Captures.read("rr-streamed-response.bin");
        for (int at : new int[] {2, 6, 100, 299}) {
            byte[] bad = body.clone();
            bad[at] ^= 0x10;
            CorruptFrameException e = assertThrows(CorruptFrameException.class,
                    () -> new ChunkedFrameReader(new ByteArrayInputStream(bad)).nextFrame(), "byte " + at);
            assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
        }
    }

    @Test
    void oversizedFrameIsRejectedBeforeReadingIt() {
        // Declares 2^31 bytes but carries none: the limit must trip before any allocation.
        byte[] header = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0, 0, 0, 0};
        CorruptFrameException e = assertThrows(CorruptFrameException.class,
                () -> new ChunkedFrameReader(new ByteArrayInputStream(header), 1 << 20).nextFrame());
        assertTrue(e.getMessage().contains("2147483648 bytes exceeds the limit of 1048576"), e.getMessage());
    }

    @Test
    void overlongLengthVarintIsAnError() {
        byte[] header = new byte[12];
        Arrays.fill(header, (byte) 0xff);
        assertThrows(CorruptFrameException.class, () -> new ChunkedFrameReader(new ByteArrayInputStream(header)).nextFrame());
    }
}
