package io.tsconnector.adapters.protocol;

import io.tsconnector.proto.Captures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SnappyTest {
    @Test
    void fixtureBodiesDecompressToTheirMessages() {
        for (String f : new String[] {"rw1-scrape-self", "rw1-stale-markers", "rr-sampled-request", "rr-samples-response"}) {
            assertArrayEquals(Captures.read(f + ".pb"), Snappy.decompress(Captures.read(f + ".bin"),
                    Captures.read(f + ".bin").length, 32 << 20), f);
        }
    }

    @Test
    void tenByteBodyClaimingFourGibibytesIsRefusedBeforeAllocating() {
        byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0, 1, 2, 3, 4};
        assertEquals(0xffffffffL, Snappy.declaredLength(bomb, bomb.length));
        ProtocolException e = assertThrows(ProtocolException.class, () -> Snappy.decompress(bomb, bomb.length, 32 << 20));
        assertEquals(413, e.status());
    }

    @Test
    void corruptTruncatedAndEmptyBodiesAre400() {
        byte[] good = Captures.read("rw1-stale-markers.bin");
        byte[][] bad = {
            {},
            {(byte) 0x80},
            {0x05, 'h', 'e', 'l', 'l', 'o'},
            java.util.Arrays.copyOf(good, good.length / 2),
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01},
            {0x0a, 0x0e, 0x00, 0x01, 0x02},
        };
        for (byte[] b : bad) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> Snappy.decompress(b, b.length, 32 << 20));
            assertEquals(400, e.status(), () -> java.util.Arrays.toString(b));
        }
    }

    @Test
    void roundTrip() {
        byte[] data = "hello hello hello hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] c = Snappy.compress(data);
        assertArrayEquals(data, Snappy.decompress(c, c.length, 1024));
        assertEquals(413, assertThrows(ProtocolException.class, () -> Snappy.decompress(c, c.length, 10)).status());
    }
}
