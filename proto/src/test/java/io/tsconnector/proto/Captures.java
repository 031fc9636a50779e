package io.tsconnector.proto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Test support: the Prometheus 2.42 wire captures kept in this module's test resources
 * ({@code captures/}, see its README), read through the classpath so any module's tests can use them.
 */
public final class Captures {
    private Captures() {
    }

    /** The bytes of one capture, e.g. {@code rw1-scrape-self.bin}. */
    public static byte[] read(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture named " + name + " on the classpath (captures/ of connector-proto's test-jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capture " + name, e);
        }
    }
}
