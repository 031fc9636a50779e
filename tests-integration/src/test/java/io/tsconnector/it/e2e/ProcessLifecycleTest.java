package io.tsconnector.it.e2e;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsconnector.it.support.PrometheusServer;
import io.tsconnector.proto.Captures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as a process, stopped with SIGTERM as Docker and Kubernetes stop it: the start-up summary
 * is logged, a request in flight still completes, new connections are refused, and the exit code is 0.
 */
public class ProcessLifecycleTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String WRITE_HEAD = "POST /write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: snappy\r\n"
            + "Content-Type: application/x-protobuf\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: %d\r\n\r\n";

    private Process process;
    @TempDir
    Path dir;
    private Path stderrFile;

    @BeforeEach
    void files() {
        stderrFile = dir.resolve("stderr.log");
    }

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermFinishesTheRequestInFlightThenExitsWithZero() throws Exception {
        int port = PrometheusServer.freePort();
        start("--storage=memory", "--web.listen-address=127.0.0.1:" + port, "--database-label=PrometheusDatabaseLabel",
                "--table-label=PrometheusTableLabel", "--web.shutdown-timeout=30s");
        String summary = awaitLog("connector started");
        for (String part : new String[] {"level=info", "listen-address=127.0.0.1:" + port + " ", "storage=memory",
                "database-label=PrometheusDatabaseLabel", "table-label=PrometheusTableLabel", "version=", "revision="}) {
            assertTrue(summary.contains(part), "the start-up line names " + part + ": " + summary);
        }
        for (String absent : new String[] {"default-database", "tls=", "/127.0.0.1"}) {
            assertTrue(!summary.contains(absent), "options not set are left out: " + summary);
        }
        assertEquals(0, healthCheck("http://127.0.0.1:" + port + "/-/healthy"), "the container health check");

        byte[] body = Captures.read("rw1-stale-markers.bin");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(WRITE_HEAD.formatted(body.length).getBytes(US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            // the handler now waits for the rest of the body: the request is in flight
            Thread.sleep(500);
            process.destroy();
            awaitLog("Shutting down");
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                    "no new connection is accepted while draining");
            assertTrue(process.isAlive(), "the process waits for the request in flight");

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String status = statusLine(socket.getInputStream());
            assertEquals("HTTP/1.1 204 No Content", status);
        }
        assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "exits after draining\n" + stderr());
        assertEquals(0, process.exitValue(), stderr());
        awaitLog("Stopped");
    }

    /** The jar's manifest and {@code --version} name the same build. */
    @Test
    void versionAndManifestAgree() throws Exception {
        java.util.jar.Attributes manifest;
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(jar().toFile())) {
            manifest = jar.getManifest().getMainAttributes();
        }
        String version = manifest.getValue("Implementation-Version");
        String revision = manifest.getValue("Build-Revision");
        assertTrue(version != null && revision != null && manifest.getValue("Build-Date") != null, manifest.toString());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar().toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("timestream-prometheus-connector, version " + version + " "), out);
        assertTrue(out.contains("revision: " + revision + ")"), out);
    }

    @Test
    void sigintStopsItLikeSigterm() throws Exception {
        int port = PrometheusServer.freePort();
        start("--storage=memory", "--web.listen-address=127.0.0.1:" + port);
        awaitLog("connector started");
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "exits on SIGINT\n" + stderr());
        assertEquals(0, process.exitValue(), stderr());
        awaitLog("Stopped");
        assertEquals(1, healthCheck("http://127.0.0.1:" + port + "/-/healthy"), "nothing listens any more");
    }

    /**
     * A JVM started with '&' by a non-interactive script inherits an ignored SIGINT, and HotSpot then installs
     * no handler for it. The connector resets it to its default and then handles it: {@code kill -INT} stops it
     * cleanly, with no warning. On this JVM (Java 17 to 21 in CI) the reset is the JNI library in the jar.
     */
    @Test
    void anInheritedIgnoredSigintIsResetOnThisJavaAndStopsTheConnector() throws Exception {
        assertResetAndStopped(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /**
     * On Java 22 and later the reset goes through the FFM API (the jar's manifest enables native access, so no
     * warning). Runs on the newest JDK 22+ found under /usr/lib/jvm or in {@code -Dit.jdk22=DIR}.
     */
    @Test
    void anInheritedIgnoredSigintIsResetOnJava22AndStopsTheConnector() throws Exception {
        Path java = newJava().orElse(null);
        assumeTrue(java != null, "no JDK 22 or later found (/usr/lib/jvm/*, "
                + "-Dit.jdk22=DIR): the FFM reset needs Java 22; the JNI reset is tested above");
        assertResetAndStopped(java);
    }

    /**
     * Where the reset cannot be done (here: Java 17-21 with no usable temporary directory for the JNI library),
     * the connector says so at start-up, naming the workaround, and SIGTERM still stops it cleanly.
     */
    @Test
    void anInheritedIgnoredSigintThatCannotBeResetIsReportedAndSigtermStillWorks() throws Exception {
        assumeTrue(Runtime.version().feature() < 22,
                "this JVM is Java " + Runtime.version().feature() + ": the FFM reset needs no temporary file");
        int port = PrometheusServer.freePort();
        start(List.of("env", "JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=/nonexistent-tmp", "sh", "-c", IGNORING_SIGINT),
                "--storage=memory", "--web.listen-address=127.0.0.1:" + port);
        awaitLog("connector started");
        String warning = awaitLog("SIGINT was already ignored when the process began");
        assertTrue(warning.contains("level=warn") && warning.contains("could not be loaded")
                && warning.contains("env --default-signal=INT java -jar") && warning.contains("coreutils 8.31"), warning);
        process.destroy();
        assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), stderr());
        assertEquals(0, process.exitValue(), stderr());
    }

    private void assertResetAndStopped(Path java) throws Exception {
        int port = PrometheusServer.freePort();
        List<String> wrapper = List.of("sh", "-c", IGNORING_SIGINT);
        startWith(java, wrapper, "--storage=memory", "--web.listen-address=127.0.0.1:" + port, "--log.level=debug");
        awaitLog("connector started");
        awaitLog("SIGINT was ignored when the process began: reset to its default");
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "exits on SIGINT\n" + stderr());
        assertEquals(0, process.exitValue(), stderr());
        awaitLog("Shutting down");
        awaitLog("Stopped");
        String text = stderr();
        assertTrue(!text.contains("SIGINT was already ignored") && !text.contains("restricted method")
                && !text.contains("--enable-native-access"), "no warning about SIGINT or native access:\n" + text);
        assertEquals(1, healthCheck("http://127.0.0.1:" + port + "/-/healthy"), "nothing listens any more");
    }

    /** A shell that ignores SIGINT, as a non-interactive shell does for a job it starts with '&', then runs the JVM. */
    private static final String IGNORING_SIGINT = "trap '' INT; exec \"$0\" \"$@\"";

    /** The java launcher of the newest JDK 22 or later: -Dit.jdk22, else /usr/lib/jvm/* (asked its version). */
    private static Optional<Path> newJava() throws IOException, InterruptedException {
        List<Path> homes = new ArrayList<>();
        String configured = System.getProperty("it.jdk22");
        if (configured != null && !configured.isBlank()) {
            homes.add(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                s.sorted(Comparator.reverseOrder()).forEach(homes::add);
            }
        }
        for (Path home : homes) {
            Path java = home.resolve("bin/java");
            if (!Files.isExecutable(java)) {
                continue;
            }
            // "openjdk 25.0.3 2026-04-21 LTS": the feature release is the first number
            Process p = new ProcessBuilder(java.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            Matcher m = Pattern.compile("^\\S+ (\\d+)").matcher(out);
            if (p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) && m.find() && Integer.parseInt(m.group(1)) >= 22) {
                return Optional.of(java);
            }
        }
        return Optional.empty();
    }

    @Test
    void aRequestThatNeverEndsDoesNotHoldTheProcessPastTheShutdownTimeout() throws Exception {
        int port = PrometheusServer.freePort();
        start("--storage=memory", "--web.listen-address=127.0.0.1:" + port, "--web.shutdown-timeout=1s",
                "--log.format=json");
        assertTrue(awaitLog("connector started").startsWith("{\"level\":\"info\""), stderr());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(WRITE_HEAD.formatted(1000).getBytes(US_ASCII));
            socket.getOutputStream().write(new byte[10]);
            socket.getOutputStream().flush();
            Thread.sleep(500);
            process.destroy();
            assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "exits despite the stuck request\n" + stderr());
        }
        assertEquals(0, process.exitValue(), stderr());
    }

    @Test
    void anUnusableCertificateStopsStartUpWithOneLineAndExitCodeOne() throws Exception {
        start("--storage=memory", "--web.listen-address=127.0.0.1:0", "--tls-certificate=/nonexistent/server.crt",
                "--tls-key=/nonexistent/server.key");
        assertTrue(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), stderr());
        awaitLog("cannot read the certificate file /nonexistent/server.crt");
        String text = stderr();
        assertEquals(1, text.strip().lines().count(), text);
    }

    /**
     * Starts the jar with SIGINT at its default disposition whatever this JVM inherited (a test run started in
     * the background by a script inherits an ignored SIGINT, which the connector would then warn about), through
     * {@code env --default-signal=INT} where env has it (GNU coreutils 8.31 or later).
     */
    private void start(String... flags) throws IOException {
        start(DEFAULT_SIGINT, flags);
    }

    private static final List<String> DEFAULT_SIGINT = envResetsSigint() ? List.of("env", "--default-signal=INT") : List.of();

    private static boolean envResetsSigint() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The jar's exit code for {@code --health-check=url}, as the container image's HEALTHCHECK runs it. */
    private int healthCheck(String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-jar", jar().toString(), "--health-check=" + url).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS));
        return p.exitValue();
    }

    /** Starts the jar, behind {@code wrapper} (a command that runs its arguments) when one is given. */
    private void start(List<String> wrapper, String... flags) throws IOException {
        startWith(Path.of(System.getProperty("java.home"), "bin", "java"), wrapper, flags);
    }

    /** Starts the jar with the launcher {@code java}, behind {@code wrapper} when one is given. */
    private void startWith(Path java, List<String> wrapper, String... flags) throws IOException {
        Path jar = jar();
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java.toString(), "-Xmx256m", "-jar", jar.toString()));
        command.addAll(List.of(flags));
        // a file, not a pipe: Process.destroy() closes the pipes, and the lines logged while draining would be lost
        process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderrFile.toFile()).start();
    }

    private String stderr() {
        try {
            return Files.exists(stderrFile) ? Files.readString(stderrFile) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits (bounded) for a line containing {@code text} on the process's stderr and returns it. */
    private String awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : stderr().split("\n")) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        fail("no line with '" + text + "' on stderr within " + BOUND + " (process "
                + (process.isAlive() ? "alive" : "exited with " + process.exitValue()) + "):\n" + stderr());
        return null;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            sb.append((char) c);
        }
        return sb.toString().strip();
    }

    /** The shaded jar that the reactor's package phase built before this module's tests. */
    public static Path jar() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path jar = p.resolve("bootstrap/target/timestream-prometheus-connector.jar");
            if (Files.exists(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("bootstrap/target/timestream-prometheus-connector.jar not found: "
                + "build it first with 'mvn -B verify' from the repository root (or 'mvn -B package -DskipTests -pl bootstrap -am')");
    }

}
