package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.adapters.http.InboundSecurity;
import io.tsconnector.adapters.http.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TLS, authentication and shutdown flags: files they name, conflicts, durations. */
class SecurityFlagsTest {
    private static final String ALICE_HASH = "$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa";

    @TempDir
    Path dir;

    @Test
    void flagsLoadTlsFromEitherPlaceButNotBoth() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir, "EC");
        InboundSecurity viaFlags = Flags.parse("--tls-certificate=" + cert.certificate, "--tls-key=" + cert.key).toSecurity();
        assertTrue(viaFlags.tls() != null && viaFlags.users() == null);

        Path web = Files.writeString(dir.resolve("web.yml"), """
                tls_server_config:
                  cert_file: %s
                  key_file: %s
                basic_auth_users:
                  alice: %s
                """.formatted(cert.certificate.getFileName(), cert.key.getFileName(), ALICE_HASH));
        InboundSecurity viaFile = Flags.parse("--web.config.file=" + web).toSecurity();
        assertTrue(viaFile.tls() != null, "cert_file and key_file resolve against the file's directory");
        assertTrue(viaFile.users().authorized("alice", "wonderland"));

        String twice = assertThrows(IllegalArgumentException.class, () -> Flags.parse("--web.config.file=" + web,
                "--tls-certificate=" + cert.certificate, "--tls-key=" + cert.key).toSecurity()).getMessage();
        assertTrue(twice.contains("TLS is configured twice"), twice);
        String half = assertThrows(IllegalArgumentException.class,
                () -> Flags.parse("--tls-certificate=" + cert.certificate).toSecurity()).getMessage();
        assertTrue(half.contains("(--tls-certificate and --tls-key) must be given together"), half);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> Flags.parse("--web.config.file=" + dir.resolve("none.yml")).toSecurity()).getMessage();
        assertTrue(missing.startsWith("cannot read web.config.file"), missing);
        Path plain = Files.writeString(dir.resolve("plain.yml"), "basic_auth_users:\n  alice: wonderland\n");
        String plaintext = assertThrows(IllegalArgumentException.class,
                () -> Flags.parse("--web.config.file=" + plain).toSecurity()).getMessage();
        assertTrue(plaintext.contains("invalid password hash of user 'alice'"), plaintext);
        assertFalse(plaintext.contains("wonderland"), "a password is never repeated: " + plaintext);
    }

    @ParameterizedTest
    @CsvSource({"10s,10", "1m,60", "500ms,1", "0,0", "30,30"})
    void shutdownTimeoutTakesGoStyleDurations(String value, int seconds) {
        assertEquals(seconds, Flags.parse("--web.shutdown-timeout=" + value).shutdownTimeoutSeconds());
    }

    @Test
    void startUpFailsWithOneLineAndExitCodeOneForAnUnusableCertificate() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("--storage=memory", "--web.listen-address=127.0.0.1:0",
                    "--tls-certificate=" + dir.resolve("missing.crt"), "--tls-key=" + dir.resolve("missing.key"));
        } finally {
            System.setErr(original);
        }
        String text = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, code, text);
        assertEquals(1, text.strip().lines().count(), text);
        assertTrue(text.contains("cannot read the certificate file " + dir.resolve("missing.crt")), text);
        assertFalse(text.contains("\tat "), text);
    }
}
