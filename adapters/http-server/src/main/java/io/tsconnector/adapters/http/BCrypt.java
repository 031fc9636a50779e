package io.tsconnector.adapters.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verification of bcrypt password hashes ({@code $2a$}, {@code $2b$}, {@code $2y$}) as written by
 * htpasswd, Python's bcrypt and Go's x/crypto/bcrypt, which the JDK cannot check on its own.
 */
public final class BCrypt {
    private static final Pattern HASH = Pattern.compile("\\$2([aby])\\$(\\d\\d)\\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})");
    private static final String ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int[] INDEX = new int[128];
    private static final int ROUNDS = 16;
    private static final int P_WORDS = ROUNDS + 2;
    private static final int S_WORDS = 4 * 256;
    /** "OrpheanBeholderScryDoubt", the plaintext bcrypt encrypts 64 times. */
    private static final int[] MAGIC = {0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274};
    /**
     * Blowfish's initial P-array and S-boxes are the hexadecimal digits of pi's fractional part; computing
     * them once is shorter and less error-prone than 1,042 literals, and the known vectors prove them.
     */
    private static final int[] PI_WORDS = piFractionWords(P_WORDS + S_WORDS);

    static {
        Arrays.fill(INDEX, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            INDEX[ALPHABET.charAt(i)] = i;
        }
    }

    private final int[] p = Arrays.copyOfRange(PI_WORDS, 0, P_WORDS);
    private final int[] s = Arrays.copyOfRange(PI_WORDS, P_WORDS, P_WORDS + S_WORDS);

    private BCrypt() {
    }

    /**
     * Checks that {@code hash} is a bcrypt hash this class can verify.
     *
     * @throws IllegalArgumentException saying what is wrong, without repeating the hash
     */
    public static void checkFormat(String hash) {
        Matcher m = HASH.matcher(hash);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a bcrypt hash: expected $2a$, $2b$ or $2y$, a two-digit cost, "
                    + "then 53 characters of [./A-Za-z0-9]");
        }
        int cost = Integer.parseInt(m.group(2));
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost " + cost + " is outside 4..31");
        }
    }

    /** True when {@code password} hashes to {@code hash}; false for a malformed hash. Compares in constant time. */
    public static boolean matches(String password, String hash) {
        try {
            checkFormat(hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] computed = hash(password.getBytes(UTF_8), hash.substring(0, 29)).getBytes(UTF_8);
        return MessageDigest.isEqual(computed, hash.getBytes(UTF_8));
    }

    /** The full hash of {@code password} with the {@code $2?$NN$salt} prefix of 29 characters. */
    static String hash(byte[] password, String setting) {
        Matcher m = HASH.matcher(setting + "a".repeat(31));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid bcrypt salt setting");
        }
        int cost = Integer.parseInt(m.group(2));
        byte[] salt = decode(m.group(3), 16);
        // the key is the password with its terminating NUL, of which Blowfish uses 72 bytes at most
        byte[] key = Arrays.copyOf(password, Math.min(password.length + 1, 72));
        int[] data = MAGIC.clone();
        new BCrypt().run(key, salt, cost, data);
        byte[] raw = new byte[data.length * 4];
        for (int i = 0; i < data.length; i++) {
            raw[4 * i] = (byte) (data[i] >>> 24);
            raw[4 * i + 1] = (byte) (data[i] >>> 16);
            raw[4 * i + 2] = (byte) (data[i] >>> 8);
            raw[4 * i + 3] = (byte) data[i];
        }
        return setting.substring(0, 29) + encode(raw, 23);
    }

    private void run(byte[] key, byte[] salt, int cost, int[] data) {
        expandKey(salt, key);
        long rounds = 1L << cost;
        for (long i = 0; i < rounds; i++) {
            expandKey(null, key);
            expandKey(null, salt);
        }
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < data.length; j += 2) {
                encipher(data, j);
            }
        }
    }

    /** Blowfish's key schedule, salted with {@code data} as in bcrypt's EksBlowfishSetup when it is not null. */
    private void expandKey(byte[] data, byte[] key) {
        int[] keyOffset = {0};
        int[] dataOffset = {0};
        for (int i = 0; i < P_WORDS; i++) {
            p[i] ^= word(key, keyOffset);
        }
        int[] lr = {0, 0};
        for (int i = 0; i < P_WORDS; i += 2) {
            mix(data, dataOffset, lr);
            p[i] = lr[0];
            p[i + 1] = lr[1];
        }
        for (int i = 0; i < S_WORDS; i += 2) {
            mix(data, dataOffset, lr);
            s[i] = lr[0];
            s[i + 1] = lr[1];
        }
    }

    private void mix(byte[] data, int[] dataOffset, int[] lr) {
        if (data != null) {
            lr[0] ^= word(data, dataOffset);
            lr[1] ^= word(data, dataOffset);
        }
        encipher(lr, 0);
    }

    /** The next four bytes of {@code bytes} as a big-endian word, cycling over the array. */
    private static int word(byte[] bytes, int[] offset) {
        int w = 0;
        int off = offset[0];
        for (int i = 0; i < 4; i++) {
            w = (w << 8) | (bytes[off] & 0xff);
            off = (off + 1) % bytes.length;
        }
        offset[0] = off;
        return w;
    }

    private void encipher(int[] lr, int off) {
        int l = lr[off] ^ p[0];
        int r = lr[off + 1];
        for (int i = 1; i <= ROUNDS; i += 2) {
            r ^= f(l) ^ p[i];
            l ^= f(r) ^ p[i + 1];
        }
        lr[off] = r ^ p[ROUNDS + 1];
        lr[off + 1] = l;
    }

    private int f(int x) {
        return ((s[x >>> 24] + s[0x100 | ((x >>> 16) & 0xff)]) ^ s[0x200 | ((x >>> 8) & 0xff)]) + s[0x300 | (x & 0xff)];
    }

    /** bcrypt's base64: its own alphabet, no padding. */
    static String encode(byte[] d, int len) {
        StringBuilder sb = new StringBuilder();
        int off = 0;
        while (off < len) {
            int c1 = d[off++] & 0xff;
            sb.append(ALPHABET.charAt(c1 >>> 2));
            c1 = (c1 & 0x03) << 4;
            if (off >= len) {
                sb.append(ALPHABET.charAt(c1));
                break;
            }
            int c2 = d[off++] & 0xff;
            sb.append(ALPHABET.charAt(c1 | (c2 >>> 4)));
            c1 = (c2 & 0x0f) << 2;
            if (off >= len) {
                sb.append(ALPHABET.charAt(c1));
                break;
            }
            c2 = d[off++] & 0xff;
            sb.append(ALPHABET.charAt(c1 | (c2 >>> 6)));
            sb.append(ALPHABET.charAt(c2 & 0x3f));
        }
        return sb.toString();
    }

    static byte[] decode(String s, int len) {
        byte[] out = new byte[len];
        int n = 0;
        int bits = 0;
        int acc = 0;
        for (int i = 0; i < s.length() && n < len; i++) {
            acc = (acc << 6) | INDEX[s.charAt(i)];
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (acc >>> bits);
            }
        }
        return out;
    }

    /** The first {@code count} 32-bit words of pi's fractional part, by Machin's formula in fixed point. */
    private static int[] piFractionWords(int count) {
        int guard = 64;
        int bits = count * 32 + guard;
        BigInteger one = BigInteger.ONE.shiftLeft(bits);
        BigInteger pi = arctanOfInverse(5, one).shiftLeft(4).subtract(arctanOfInverse(239, one).shiftLeft(2));
        byte[] fraction = pi.subtract(BigInteger.valueOf(3).shiftLeft(bits)).shiftRight(guard).toByteArray();
        int[] words = new int[count];
        int start = fraction.length - count * 4;
        for (int i = 0; i < count; i++) {
            int o = start + 4 * i;
            words[i] = (byte4(fraction, o) << 24) | (byte4(fraction, o + 1) << 16) | (byte4(fraction, o + 2) << 8)
                    | byte4(fraction, o + 3);
        }
        return words;
    }

    private static int byte4(byte[] b, int i) {
        return i < 0 ? 0 : b[i] & 0xff;
    }

    private static BigInteger arctanOfInverse(int x, BigInteger one) {
        BigInteger x2 = BigInteger.valueOf((long) x * x);
        BigInteger term = one.divide(BigInteger.valueOf(x));
        BigInteger sum = BigInteger.ZERO;
        for (int n = 1; term.signum() != 0; n += 2) {
            BigInteger t = term.divide(BigInteger.valueOf(n));
            sum = (n & 2) == 0 ? sum.add(t) : sum.subtract(t);
            term = term.divide(x2);
        }
        return sum;
    }
}
