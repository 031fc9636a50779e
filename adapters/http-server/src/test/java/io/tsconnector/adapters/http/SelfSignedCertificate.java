package io.tsconnector.adapters.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test helper: a self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as PEM files
 * (certificate, and the key as PKCS#8), and a client TLS context trusting it.
 */
public final class SelfSignedCertificate {
    private static final String PASSWORD = "changeit";

    public final Path certificate;
    public final Path key;
    private final Certificate cert;

    private SelfSignedCertificate(Path certificate, Path key, Certificate cert) {
        this.certificate = certificate;
        this.key = key;
        this.cert = cert;
    }

    /** Generates a key pair ({@code RSA} or {@code EC}) and a certificate valid for two days in {@code dir}. */
    public static SelfSignedCertificate generate(Path dir, String keyAlgorithm) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String name = keyAlgorithm.toLowerCase();
        Path store = dir.resolve(name + ".p12");
        Files.deleteIfExists(store);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", keyAlgorithm, "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        command.addAll(keyAlgorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        run(command);
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            PrivateKey privateKey = (PrivateKey) ks.getKey("server", PASSWORD.toCharArray());
            Certificate cert = ks.getCertificate("server");
            Path certFile = dir.resolve(name + "-cert.pem");
            Path keyFile = dir.resolve(name + "-key.pem");
            Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", privateKey.getEncoded()));
            return new SelfSignedCertificate(certFile, keyFile, cert);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the generated key store: " + e.getMessage(), e);
        }
    }

    /** A client TLS context that trusts only this certificate. */
    public SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The {@code openssl} command, if installed. */
    public static Optional<Path> openssl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "openssl");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), US_ASCII);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
