package io.tsconnector.adapters.protocol.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorChunkCorruptionTest {

    @Test
    void everyTruncationFailsOrYieldsTheOriginalSamples() {
        byte[] chunk = sampleChunk();
        List<long[]> all = decodeAll(chunk);
        for (int len = 0; len < chunk.length; len++) {
            byte[] prefix = Arrays.copyOf(chunk, len);
            if (len < chunk.length - 1) {
                assertThrows(CorruptChunkException.class, () -> decodeAll(prefix), "prefix of " + len + " bytes");
            } else {
                // Only the final (possibly padding-only) byte may be missing without loss.
                try {
                    List<long[]> got = decodeAll(prefix);
                    assertEquals(all.size(), got.size());
                    for (int i = 0; i < got.size(); i++) {
                        assertArrayEquals(all.get(i), got.get(i), "sample " + i);
                    }
                } catch (CorruptChunkException expected) {
                    // also acceptable
                }
            }
        }
    }

    @Test
    void headerClaimingMoreSamplesThanTheDataHoldsFails() {
        byte[] chunk = sampleChunk();
        chunk[0] = (byte) 0xff;
        chunk[1] = (byte) 0xff;
        CorruptChunkException e = assertThrows(CorruptChunkException.class, () -> decodeAll(chunk));
        assertTrue(e.getMessage().contains("of 65535"), e.getMessage());
    }

    @Test
    void rejectsChunkWithoutHeader() {
        assertThrows(CorruptChunkException.class, () -> new XorChunkDecoder(new byte[] {1}));
        assertThrows(CorruptChunkException.class, () -> new XorChunkDecoder(new byte[0]));
    }

    @Test
    void rejectsOverlongVarint() {
        byte[] chunk = new byte[2 + 11 + 8];
        chunk[1] = 1;
        Arrays.fill(chunk, 2, 13, (byte) 0xff);
        CorruptChunkException e = assertThrows(CorruptChunkException.class, () -> decodeAll(chunk));
        assertTrue(e.getMessage().contains("varint"), e.getMessage());
    }

    @Test
    void rejectsWindowWiderThan64Bits() {
        // Two samples: t=0, value 0.0, delta 1, then '11', 31 leading zeros, 40 significant bits.
        byte[] chunk = {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0b1111_1111, (byte) 0b0100_0000, 0, 0, 0, 0, 0, 0, 0, 0};
        CorruptChunkException e = assertThrows(CorruptChunkException.class, () -> decodeAll(chunk));
        assertTrue(e.getMessage().contains("exceed 64"), e.getMessage());
    }

    @Test
    void randomBytesNeverHangOrThrowAnythingElse() {
        Random random = new Random(1);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = new byte[2 + random.nextInt(200)];
                random.nextBytes(b);
                try {
                    int n = decodeAll(b).size();
                    assertEquals(((b[0] & 0xff) << 8) | (b[1] & 0xff), n);
                } catch (CorruptChunkException expected) {
                    // the normal outcome
                }
            }
        });
    }

    @Test
    void flippedBitsInARealChunkNeverEscapeAsOtherExceptions() {
        byte[] chunk = sampleChunk();
        for (int bit = 16; bit < chunk.length * 8; bit++) {
            byte[] copy = chunk.clone();
            copy[bit >>> 3] ^= (byte) (1 << (7 - (bit & 7)));
            try {
                decodeAll(copy);
            } catch (CorruptChunkException expected) {
                // fine
            }
        }
    }

    private static byte[] sampleChunk() {
        XorChunkEncoder encoder = new XorChunkEncoder();
        Random random = new Random(3);
        long t = 1795595298509L;
        for (int i = 0; i < 120; i++) {
            t += 1000 + (i % 10 == 0 ? random.nextInt(100_000) : 0);
            encoder.append(t, i % 7 == 0 ? random.nextDouble() : i);
        }
        return encoder.toByteArray();
    }

    private static List<long[]> decodeAll(byte[] chunk) {
        XorChunkDecoder d = new XorChunkDecoder(chunk);
        List<long[]> out = new ArrayList<>();
        while (d.next()) {
            out.add(new long[] {d.timestamp(), d.valueBits()});
        }
        return out;
    }
}
