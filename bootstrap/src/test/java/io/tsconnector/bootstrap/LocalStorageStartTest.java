package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageStartTest {
    @TempDir
    Path dir;

    private static ConnectorSettings local(InetSocketAddress address, Path data) {
        return ConnectorSettings.defaults(address).withDestinationLabels("db", "table")
                .withStorage(StorageSettings.DEFAULT.withStorage(Storage.LOCAL).withLocalPath(data.toString()));
    }

    @Test
    void aPortClashLeavesNoStorageFilesBehind() throws IOException {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Connector.start(local(address, data)));
            assertTrue(e.getMessage().startsWith("cannot listen on"), e.getMessage());
        }
        assertFalse(Files.exists(data), "the storage directory was created");
    }

    @Test
    void theStorageSizeIsAGauge() throws Exception {
        try (Connector c = Connector.start(local(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), dir.resolve("data")))) {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.uri() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String line = metrics.lines().filter(l -> l.startsWith("timestream_connector_local_storage_bytes ")).findFirst().orElseThrow();
            assertTrue(Double.parseDouble(line.substring(line.indexOf(' ') + 1)) > 0, line);
        }
    }
}
