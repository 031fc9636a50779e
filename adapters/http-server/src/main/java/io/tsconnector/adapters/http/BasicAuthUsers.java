package io.tsconnector.adapters.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users allowed in by HTTP basic authentication, with bcrypt password hashes as in the Prometheus
 * exporter web configuration file.
 */
public final class BasicAuthUsers {
    /** The realm named in {@code WWW-Authenticate}. */
    public static final String REALM = "timestream-prometheus-connector";
    /** Bounds the memory of the cache below even if many distinct passwords succeed. */
    private static final int MAX_CACHED = 1024;

    private final Map<String, String> hashes;
    private final String decoyHash;
    /**
     * Digests of user, password and hash that verified before: bcrypt costs tens of milliseconds by design,
     * which every remote-write request would pay otherwise. Only successes are cached.
     */
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    /**
     * @param hashes bcrypt hash by user name
     * @throws IllegalArgumentException naming the user (never the hash) whose entry is invalid
     */
    public BasicAuthUsers(Map<String, String> hashes) {
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException("no users");
        }
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains(":")) {
                throw new IllegalArgumentException("invalid user name '" + e.getKey() + "': must be non-empty without ':'");
            }
            try {
                BCrypt.checkFormat(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("invalid password hash of user '" + e.getKey() + "': " + bad.getMessage(), bad);
            }
        }
        this.hashes = Map.copyOf(new LinkedHashMap<>(hashes));
        this.decoyHash = hashes.values().iterator().next();
    }

    public Set<String> names() {
        return hashes.keySet();
    }

    /** True when the value of an {@code Authorization} header names a user with the right password. */
    public boolean authorized(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        return authorized(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** True when {@code password} is {@code user}'s. */
    public boolean authorized(String user, String password) {
        String hash = hashes.get(user);
        if (hash == null) {
            // spend the same time as for a known user, so response times do not reveal user names
            BCrypt.matches(password, decoyHash);
            return false;
        }
        String key = digest(user, password, hash);
        if (verified.contains(key)) {
            return true;
        }
        if (!BCrypt.matches(password, hash)) {
            return false;
        }
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.add(key);
        return true;
    }

    private static String digest(String user, String password, String hash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {user, password, hash}) {
                sha.update(part.getBytes(UTF_8));
                sha.update((byte) 0);
            }
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "BasicAuthUsers" + names();
    }
}
