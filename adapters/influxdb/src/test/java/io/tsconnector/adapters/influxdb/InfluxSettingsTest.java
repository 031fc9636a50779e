package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Gzip pays across a network, not to a server on this host; URLs must be http(s) with a host. */
class InfluxSettingsTest {
    @Test
    void automaticGzipIsOffForLoopbackAndOnFrom64KibOtherwise() {
        assertEquals(-1, InfluxSettings.of(URI.create("http://127.0.0.1:8086"), null).gzipMinBytes());
        assertEquals(-1, InfluxSettings.of(URI.create("http://localhost:8086"), null).gzipMinBytes());
        assertEquals(-1, InfluxSettings.of(URI.create("http://[::1]:8086"), null).gzipMinBytes());
        assertEquals(65_536, InfluxSettings.of(URI.create("https://db.example.com:8086"), null).gzipMinBytes());
        assertEquals(0, InfluxSettings.of(URI.create("http://127.0.0.1:8086"), null).withGzipMinBytes(0).gzipMinBytes());
    }

    @Test
    void urlMustBeHttpOrHttpsWithAHost() {
        assertThrows(IllegalArgumentException.class, () -> InfluxSettings.of(URI.create("ftp://h"), null));
        assertThrows(IllegalArgumentException.class, () -> InfluxSettings.of(URI.create("nohost"), null));
    }
}
