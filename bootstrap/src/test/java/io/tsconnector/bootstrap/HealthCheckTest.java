package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code --health-check=URL} mode the container image's HEALTHCHECK runs, and the Dockerfile that uses it. */
class HealthCheckTest {
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (int status : new int[] {200, 204, 302, 404, 503}) {
            server.createContext("/" + status, exchange -> {
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
        }
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @ParameterizedTest
    @CsvSource({"/200,0", "/204,0", "/302,1", "/404,1", "/503,1"})
    void aTwoHundredIsHealthyAnythingElseIsNot(String path, int code) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        assertEquals(code, HealthCheck.run(URI.create(url(path)), out, out));
        assertTrue(sink.toString(StandardCharsets.UTF_8).contains(path.substring(1)), sink.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nothingListeningOrAnotherSchemeIsUnhealthy() throws IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(1, HealthCheck.run(URI.create("http://127.0.0.1:" + closed + "/-/healthy"), quiet, quiet));
        assertEquals(1, HealthCheck.run(URI.create("ftp://127.0.0.1/x"), quiet, quiet));
    }

    @Test
    void mainRunsTheCheckInsteadOfServing() {
        assertEquals(0, Main.run("--health-check=" + url("/200")));
        assertEquals(1, Main.run("--health-check=" + url("/503")));
        assertEquals(2, Main.run("--health-check=nohost"), "a bad URL is a bad flag");
    }

    /** The image's health check runs this mode on the jar the image holds, on the default port. */
    @Test
    void theDockerfileUsesIt() throws IOException {
        String dockerfile = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("Dockerfile"));
        Matcher jar = Pattern.compile("COPY --from=build .* (/app/\\S+\\.jar)").matcher(dockerfile);
        assertTrue(jar.find(), "the jar's place in the image");
        Matcher health = Pattern.compile("(?s)HEALTHCHECK .*?CMD \\[(.*?)\\]").matcher(dockerfile);
        assertTrue(health.find(), "a HEALTHCHECK");
        List<String> command = Pattern.compile("\"([^\"]*)\"").matcher(health.group(1)).results().map(r -> r.group(1)).toList();
        assertEquals("java", command.get(0));
        assertTrue(command.contains(jar.group(1)), command.toString());
        assertTrue(command.contains("--health-check=http://127.0.0.1:"
                + Options.LISTEN_ADDRESS.defaultValue().substring(1) + "/-/healthy"), command.toString());
        assertTrue(dockerfile.contains("VOLUME [\"/app/data\"]") && dockerfile.contains("WORKDIR /app")
                && Options.LOCAL_PATH.defaultValue().equals("./data"), "the local store's default directory is a volume");
        assertTrue(dockerfile.contains("\"-XX:MaxRAMPercentage="), "the heap follows the container's memory limit");
    }
}
