package io.tsconnector.adapters.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds the server's TLS context from a PEM certificate chain and a PEM private key (PKCS#8, or PKCS#1
 * RSA and SEC1 EC keys as openssl writes them) with the JDK alone.
 */
public final class PemTls {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    /** DER of the OID id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private PemTls() {
    }

    /**
     * The TLS context serving {@code certificateFile}'s chain (server certificate first) with {@code keyFile}'s key.
     *
     * @throws IllegalArgumentException one line naming the file and what is wrong with it
     */
    public static SSLContext load(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new IllegalArgumentException("the private key in " + keyFile + " does not match the certificate in "
                    + certificateFile);
        }
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the key in " + keyFile + " with the certificate in "
                    + certificateFile + ": " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file, "certificate");
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : all) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file + ": expected PEM \"BEGIN CERTIFICATE\" blocks");
            }
            return chain;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificate in " + file
                    + ": expected PEM \"BEGIN CERTIFICATE\" blocks (" + e.getMessage() + ")", e);
        }
    }

    static PrivateKey privateKey(Path file) {
        String text = new String(read(file, "private key"), US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + type + " block in " + file + " is not valid base64", e);
            }
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der, file, "RSA", "EC", "Ed25519", "Ed448");
                case "RSA PRIVATE KEY":
                    return pkcs8(sequence(concat(hex("020100"), RSA_ALGORITHM, tlv(0x04, der))), file, "RSA");
                case "EC PRIVATE KEY":
                    return pkcs8(sec1ToPkcs8(der, file), file, "EC");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("the private key in " + file
                            + " is encrypted: decrypt it first (openssl pkey -in KEY -out PLAIN)");
                default:
                    // e.g. "EC PARAMETERS", which openssl writes before an EC key
            }
        }
        throw new IllegalArgumentException("no private key in " + file
                + ": expected a PEM \"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\" block");
    }

    private static PrivateKey pkcs8(byte[] der, Path file, String... algorithms) {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new IllegalArgumentException("cannot read the private key in " + file + " as " + String.join(" or ", algorithms));
    }

    /**
     * Wraps a SEC1 ECPrivateKey in PKCS#8, taking the curve from its [0] parameters, because the JDK's
     * KeyFactory only reads PKCS#8.
     */
    private static byte[] sec1ToPkcs8(byte[] sec1, Path file) {
        try {
            Der outer = new Der(sec1, 0);
            if (outer.tag != 0x30) {
                throw new IllegalArgumentException("not a sequence");
            }
            int pos = outer.contentStart;
            byte[] curve = null;
            while (pos < outer.end) {
                Der field = new Der(sec1, pos);
                if (field.tag == 0xa0) {
                    Der oid = new Der(sec1, field.contentStart);
                    curve = java.util.Arrays.copyOfRange(sec1, field.contentStart, oid.end);
                }
                pos = field.end;
            }
            if (curve == null) {
                throw new IllegalArgumentException("the key names no curve");
            }
            return sequence(concat(hex("020100"), sequence(concat(EC_PUBLIC_KEY_OID, curve)), tlv(0x04, sec1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read the EC private key in " + file + ": " + e.getMessage(), e);
        }
    }

    /** One DER element's tag and bounds. */
    private static final class Der {
        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] b, int pos) {
            tag = b[pos] & 0xff;
            int len = b[pos + 1] & 0xff;
            int start = pos + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 3) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[start + i] & 0xff);
                }
                start += n;
            }
            if (start + len > b.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            contentStart = start;
            end = start + len;
        }
    }

    /** Proves the key is the certificate's by signing with one and verifying with the other. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] message = "timestream-prometheus-connector".getBytes(US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >>> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >>> 16);
            out.write(len >>> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
