package io.tsconnector.adapters.http;

import io.tsconnector.proto.Captures;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tsconnector.adapters.memory.InMemorySeriesStore;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.domain.Destination;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTPS from PEM files and basic authentication, against a real server on port 0. */
class SecureConnectorHttpServerTest {
    /** bcrypt of "wonderland" at cost 4, so the tests do not wait for a production cost. */
    private static final String ALICE_HASH = "$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa";
    private static final String[] WRITE_HEADERS = {"Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
        "X-Prometheus-Remote-Write-Version", "0.1.0"};

    private static final Destination PROM = new Destination("promDB", "promTable");

    @TempDir
    Path dir;

    private final InMemorySeriesStore store = new InMemorySeriesStore();

    private ConnectorHttpServer server(InboundSecurity security) throws IOException {
        return MemoryBackedServer.start(store, Limits.DEFAULT, security);
    }

    private static HttpResponse<String> write(HttpClient client, URI base, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/write"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Captures.read("rw1-stale-markers.bin")))
                .headers(WRITE_HEADERS);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC"})
    void servesHttpsWithPkcs8KeysAndAClientTrustingTheCertificateWrites(String algorithm) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir, algorithm);
        try (ConnectorHttpServer server = server(new InboundSecurity(PemTls.load(cert.certificate, cert.key), null))) {
            assertTrue(server.isTls());
            URI base = URI.create("https://127.0.0.1:" + server.port());
            HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).build();
            assertEquals(204, write(client, base, null).statusCode());
            assertTrue(store.sampleCount(PROM) > 0, "the samples sent over TLS are stored");

            HttpClient untrusting = HttpClient.newHttpClient();
            assertThrows(SSLHandshakeException.class, () -> write(untrusting, base, null));
            HttpClient plain = HttpClient.newHttpClient();
            assertThrows(IOException.class, () -> write(plain, URI.create("http://127.0.0.1:" + server.port()), null));
        }
    }

    /** openssl writes PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY", after "EC PARAMETERS") keys. */
    @Test
    void acceptsTheTraditionalKeyFormatsOpensslWrites() throws Exception {
        Path openssl = opensslOrSkip();
        Path rsaKey = dir.resolve("rsa1.pem");
        Path rsaCert = dir.resolve("rsa1-cert.pem");
        SelfSignedCertificate.run(List.of(openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("rsa8.pem").toString(), "-out", rsaCert.toString(), "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
        SelfSignedCertificate.run(List.of(openssl.toString(), "pkey", "-in", dir.resolve("rsa8.pem").toString(),
                "-traditional", "-out", rsaKey.toString()));
        assertTrue(Files.readString(rsaKey).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(PemTls.privateKey(rsaKey).getAlgorithm().equals("RSA"));
        PemTls.load(rsaCert, rsaKey);

        Path ecKey = dir.resolve("ec.pem");
        Path ecCert = dir.resolve("ec-cert.pem");
        SelfSignedCertificate.run(List.of(openssl.toString(), "ecparam", "-name", "prime256v1", "-genkey", "-out", ecKey.toString()));
        SelfSignedCertificate.run(List.of(openssl.toString(), "req", "-x509", "-key", ecKey.toString(), "-out", ecCert.toString(),
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
        assertTrue(Files.readString(ecKey).contains("BEGIN EC PRIVATE KEY"));
        try (ConnectorHttpServer server = server(new InboundSecurity(PemTls.load(ecCert, ecKey), null))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(ecCert)).build();
            assertEquals(204, write(client, URI.create("https://127.0.0.1:" + server.port()), null).statusCode());
        }
    }

    private static javax.net.ssl.SSLContext trusting(Path certificate) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", PemTls.certificates(certificate).get(0));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static Path opensslOrSkip() {
        var openssl = SelfSignedCertificate.openssl();
        if (openssl.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and openssl is not on PATH: install it with 'apt-get install -y openssl'");
            }
            Assumptions.abort("openssl is not installed");
        }
        return openssl.get();
    }

    @Test
    void unusableFilesFailWithOneLineNamingTheFile() throws Exception {
        SelfSignedCertificate rsa = SelfSignedCertificate.generate(dir.resolve("rsa"), "RSA");
        SelfSignedCertificate ec = SelfSignedCertificate.generate(dir.resolve("ec"), "EC");
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Map<String, IllegalArgumentException> errors = Map.of(
                "cannot read the certificate file " + missing, fails(missing, rsa.key),
                "cannot read the private key file " + missing, fails(rsa.certificate, missing),
                "certificate in " + garbage, fails(garbage, rsa.key),
                "no private key in " + garbage, fails(rsa.certificate, garbage),
                "is encrypted", fails(rsa.certificate, encrypted),
                "the private key in " + ec.key + " does not match the certificate in " + rsa.certificate, fails(rsa.certificate, ec.key));
        errors.forEach((expected, e) -> {
            assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        });
    }

    private static IllegalArgumentException fails(Path cert, Path key) {
        return assertThrows(IllegalArgumentException.class, () -> PemTls.load(cert, key));
    }

    @Test
    void basicAuthenticationLetsOnlyKnownUsersWithTheirPasswordIn() throws Exception {
        BasicAuthUsers users = new BasicAuthUsers(Map.of("alice", ALICE_HASH));
        try (ConnectorHttpServer server = server(new InboundSecurity(null, users))) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            HttpClient client = HttpClient.newHttpClient();
            for (String denied : new String[] {null, basic("alice", "wrong"), basic("bob", "wonderland"),
                    "Basic !!!", "Bearer abc", basic("alice", "")}) {
                HttpResponse<String> r = write(client, base, denied);
                assertEquals(401, r.statusCode(), String.valueOf(denied));
                assertEquals("Basic realm=\"timestream-prometheus-connector\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
            }
            assertEquals(0, store.sampleCount(PROM), "nothing is stored without credentials");
            assertEquals(204, write(client, base, basic("alice", "wonderland")).statusCode());
            assertEquals(204, write(client, base, basic("alice", "wonderland")).statusCode(), "a cached success still passes");
            assertEquals(401, write(client, base, basic("alice", "wonderland2")).statusCode(), "the cache holds only what verified");

            assertEquals(401, get(client, base.resolve("/metrics"), null), "metrics are protected");
            assertEquals(200, get(client, base.resolve("/metrics"), basic("alice", "wonderland")));
            assertEquals(200, get(client, base.resolve("/-/healthy"), null), "probes stay open");
            assertEquals(200, get(client, base.resolve("/-/ready"), null));
        }
    }

    private static int get(HttpClient client, URI uri, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void invalidUsersAreRejectedWithoutRepeatingTheHash() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BasicAuthUsers(Map.of("alice", "plaintext-password")));
        assertTrue(e.getMessage().contains("'alice'"), e.getMessage());
        assertFalse(e.getMessage().contains("plaintext-password"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BasicAuthUsers(Map.of("a:b", ALICE_HASH)));
        assertThrows(IllegalArgumentException.class, () -> new BasicAuthUsers(Map.of()));
    }
}
