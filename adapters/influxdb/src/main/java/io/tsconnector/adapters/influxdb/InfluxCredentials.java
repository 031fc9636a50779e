package io.tsconnector.adapters.influxdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Value object: how the connector authenticates to InfluxDB's v1 API: a token ({@code Authorization: Token},
 * as Timestream for InfluxDB and InfluxDB 2 and 3 use), a v1 username and password (HTTP basic), or nothing.
 * Secrets come from an environment variable or a file only; {@link #toString()} never shows them.
 */
public final class InfluxCredentials {
    /** Environment variable that holds the token. */
    public static final String TOKEN_VARIABLE = "INFLUXDB_TOKEN";
    /** Environment variable that holds the v1 password. */
    public static final String PASSWORD_VARIABLE = "INFLUXDB_PASSWORD";

    private static final InfluxCredentials NONE = new InfluxCredentials(null, "none");

    private final String authorization;
    private final String description;

    private InfluxCredentials(String authorization, String description) {
        this.authorization = authorization;
        this.description = description;
    }

    public static InfluxCredentials none() {
        return NONE;
    }

    public static InfluxCredentials token(String token) {
        return new InfluxCredentials("Token " + token, "token");
    }

    public static InfluxCredentials basic(String username, String password) {
        String pair = username + ":" + password;
        return new InfluxCredentials("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
                "username " + username);
    }

    /**
     * The credentials the options name: the token from {@code tokenFile} or {@value #TOKEN_VARIABLE}; else,
     * with a username, the password from {@code passwordFile} or {@value #PASSWORD_VARIABLE}; else none.
     *
     * @param tokenFile file holding the token (surrounding whitespace ignored), or null
     * @param username v1 username, or null
     * @param passwordFile file holding the password (a final newline ignored), or null
     * @throws IllegalArgumentException naming the option or file that is wrong, never the secret
     */
    public static InfluxCredentials resolve(Map<String, String> env, String tokenFile, String username,
                                            String passwordFile) {
        String token = blank(tokenFile) ? env.get(TOKEN_VARIABLE) : read(tokenFile, "influxdb.token-file").strip();
        if (!blank(token)) {
            if (!blank(username)) {
                throw new IllegalArgumentException("influxdb: give either a token or a username, not both");
            }
            return token(token.strip());
        }
        if (!blank(tokenFile)) {
            throw new IllegalArgumentException("influxdb.token-file " + tokenFile + " is empty");
        }
        if (blank(username)) {
            if (!blank(passwordFile)) {
                throw new IllegalArgumentException("influxdb.password-file needs influxdb.username");
            }
            return none();
        }
        String password = blank(passwordFile) ? env.get(PASSWORD_VARIABLE) : stripNewline(read(passwordFile,
                "influxdb.password-file"));
        if (password == null) {
            throw new IllegalArgumentException("influxdb.username " + username + " needs a password: set "
                    + PASSWORD_VARIABLE + " or influxdb.password-file");
        }
        return basic(username, password);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String stripNewline(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static String read(String file, String option) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + option + " " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** The Authorization header value, or null for none. */
    String authorization() {
        return authorization;
    }

    /** Which kind of credentials, without the secret: "token", "username NAME" or "none". */
    @Override
    public String toString() {
        return description;
    }
}
