package io.tsconnector.bootstrap.webconfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file named by {@code --web.config.file}, in the Prometheus exporter-toolkit convention: TLS files
 * under {@code tls_server_config} and bcrypt hashes by user under {@code basic_auth_users}.
 *
 * <p>Only that subset of YAML is read (block maps two levels deep, plain or quoted scalars, comments), so no
 * YAML library is needed; anything else fails with the line number, as an unknown key does in
 * exporter-toolkit, so that a setting is never silently ignored.
 *
 * @param certFile the certificate file, resolved against the file's directory, or null without TLS
 * @param keyFile the private key file, likewise
 * @param users bcrypt hash by user name, empty without authentication
 */
public record WebConfigFile(Path certFile, Path keyFile, Map<String, String> users) {
    private static final Set<String> TOP_LEVEL = Set.of("tls_server_config", "basic_auth_users");
    /** Keys exporter-toolkit knows that this connector does not implement: named so the error can say so. */
    private static final Set<String> UNSUPPORTED = Set.of("http_server_config", "client_auth_type", "client_ca_file",
            "cipher_suites", "curve_preferences", "min_version", "max_version", "prefer_server_cipher_suites",
            "client_allowed_sans", "cert", "key");

    public WebConfigFile {
        users = Map.copyOf(users);
    }

    public boolean hasTls() {
        return certFile != null;
    }

    /**
     * Reads and checks the file.
     *
     * @throws IllegalArgumentException one line naming the file (and the line) and what is wrong
     */
    public static WebConfigFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read web.config.file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, dir, file.toString());
    }

    static WebConfigFile parse(String text, Path dir, String name) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        String currentName = null;
        int indent = -1;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = stripComment(lines.get(i), name, number);
            if (line.isBlank()) {
                continue;
            }
            if (line.indexOf('\t') >= 0 && line.substring(0, line.length() - line.stripLeading().length()).contains("\t")) {
                throw error(name, number, "tabs are not allowed for indentation");
            }
            int lineIndent = line.length() - line.stripLeading().length();
            String[] kv = keyValue(line.strip(), name, number);
            if (lineIndent == 0) {
                String key = kv[0];
                if (UNSUPPORTED.contains(key)) {
                    throw error(name, number, "'" + key + "' is not supported by this connector");
                }
                if (!TOP_LEVEL.contains(key)) {
                    throw error(name, number, "unknown key '" + key + "': expected tls_server_config or basic_auth_users");
                }
                if (sections.containsKey(key)) {
                    throw error(name, number, "duplicate key '" + key + "'");
                }
                if (!kv[1].isEmpty() && !kv[1].equals("{}")) {
                    throw error(name, number, "'" + key + "' must be a map of keys on the following indented lines");
                }
                current = new LinkedHashMap<>();
                currentName = key;
                indent = -1;
                sections.put(key, current);
                continue;
            }
            if (current == null) {
                throw error(name, number, "indented line outside tls_server_config or basic_auth_users");
            }
            if (indent < 0) {
                indent = lineIndent;
            } else if (lineIndent != indent) {
                throw error(name, number, "inconsistent indentation: expected " + indent + " spaces under " + currentName);
            }
            if (current.containsKey(kv[0])) {
                throw error(name, number, "duplicate key '" + kv[0] + "' under " + currentName);
            }
            if (kv[1].isEmpty()) {
                throw error(name, number, "'" + kv[0] + "' needs a value");
            }
            if (currentName.equals("tls_server_config")) {
                if (UNSUPPORTED.contains(kv[0])) {
                    throw error(name, number, "'" + kv[0] + "' is not supported by this connector: only cert_file and key_file");
                }
                if (!kv[0].equals("cert_file") && !kv[0].equals("key_file")) {
                    throw error(name, number, "unknown key '" + kv[0] + "' under tls_server_config: expected cert_file and key_file");
                }
            }
            current.put(kv[0], kv[1]);
        }
        Map<String, String> tls = sections.get("tls_server_config");
        Path cert = null;
        Path key = null;
        if (tls != null) {
            if (!tls.containsKey("cert_file") || !tls.containsKey("key_file")) {
                throw new IllegalArgumentException("invalid web.config.file " + name
                        + ": tls_server_config needs both cert_file and key_file");
            }
            cert = dir.resolve(tls.get("cert_file"));
            key = dir.resolve(tls.get("key_file"));
        }
        return new WebConfigFile(cert, key, sections.getOrDefault("basic_auth_users", Map.of()));
    }

    /** Removes a comment: '#' at the start or after a blank, outside quotes. */
    private static String stripComment(String line, String name, int number) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            } else if ((c == '"' || c == '\'') && (i == 0 || line.charAt(i - 1) == ' ' || line.charAt(i - 1) == ':')) {
                quote = c;
            }
        }
        return line;
    }

    /** Splits {@code key: value} and unquotes both. */
    private static String[] keyValue(String s, String name, int number) {
        String key;
        String rest;
        if (s.startsWith("\"") || s.startsWith("'")) {
            int end = closingQuote(s, name, number);
            key = unquote(s.substring(0, end + 1), name, number);
            rest = s.substring(end + 1);
            if (!rest.startsWith(":")) {
                throw error(name, number, "expected ':' after the key");
            }
            rest = rest.substring(1);
        } else {
            int colon = s.indexOf(": ");
            if (colon < 0 && s.endsWith(":")) {
                colon = s.length() - 1;
            }
            if (colon <= 0) {
                throw error(name, number, "expected 'key: value'");
            }
            key = s.substring(0, colon);
            rest = s.substring(colon + 1);
        }
        if (!rest.isEmpty() && !rest.startsWith(" ")) {
            throw error(name, number, "expected a space after ':'");
        }
        return new String[] {key, scalar(rest.strip(), name, number)};
    }

    private static String scalar(String value, String name, int number) {
        if (value.isEmpty() || value.equals("{}")) {
            return value;
        }
        if (value.startsWith("\"") || value.startsWith("'")) {
            int end = closingQuote(value, name, number);
            if (end != value.length() - 1) {
                throw error(name, number, "unexpected text after the quoted value");
            }
            return unquote(value, name, number);
        }
        if ("[{&*!|>%@`".indexOf(value.charAt(0)) >= 0) {
            throw error(name, number, "unsupported YAML value starting with '" + value.charAt(0)
                    + "': use a plain or quoted string");
        }
        return value;
    }

    private static int closingQuote(String s, String name, int number) {
        char quote = s.charAt(0);
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '"' && c == '\\') {
                i++;
            } else if (c == quote) {
                if (quote == '\'' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        throw error(name, number, "unterminated quoted string");
    }

    private static String unquote(String s, String name, int number) {
        String inner = s.substring(1, s.length() - 1);
        if (s.charAt(0) == '\'') {
            return inner.replace("''", "'");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char next = ++i < inner.length() ? inner.charAt(i) : 0;
            switch (next) {
                case '"', '\\', '/' -> sb.append(next);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                default -> throw error(name, number, "unsupported escape '\\" + next + "' in a double-quoted string");
            }
        }
        return sb.toString();
    }

    private static IllegalArgumentException error(String name, int number, String message) {
        return new IllegalArgumentException("invalid web.config.file " + name + " line " + number + ": " + message);
    }
}
