package io.tsconnector.bootstrap.webconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebConfigFileTest {
    private static final String ALICE_HASH = "$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa";
    private static final Path DIR = Path.of("/etc/connector");

    private static WebConfigFile parse(String text) {
        return WebConfigFile.parse(text, DIR, "web.yml");
    }

    @Test
    void readsTheExporterToolkitSubsetWithCommentsAndQuotes() {
        WebConfigFile web = parse("""
                # TLS and users, as for node_exporter
                tls_server_config:
                  cert_file: server.crt   # relative to this file
                  key_file: "/abs/server.key"

                basic_auth_users:
                  alice: $2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa
                  'bob smith': '$2y$04$Kq3m8Yb1cV0x2Zr7tLp9Uex9H5f0QCrlOMdqWwgI36mrR0AIEtTKa'
                  "carol#1": "$2b$10$abcdefghijklmnopqrstuuIXnnwL/Nx8DPyQWbkAojzRBPOyiMvDa"
                """);
        assertEquals(DIR.resolve("server.crt"), web.certFile());
        assertEquals(Path.of("/abs/server.key"), web.keyFile());
        assertEquals(Map.of("alice", ALICE_HASH, "bob smith", ALICE_HASH,
                "carol#1", "$2b$10$abcdefghijklmnopqrstuuIXnnwL/Nx8DPyQWbkAojzRBPOyiMvDa"), web.users());
    }

    @Test
    void usersAloneMeanPlainHttpWithAuthentication() {
        WebConfigFile web = parse("basic_auth_users:\n    alice: " + ALICE_HASH + "\n");
        assertFalse(web.hasTls());
        assertNull(web.keyFile());
        assertEquals(1, web.users().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'unknown_section:\n  a: b'|line 1: unknown key 'unknown_section'",
            "'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c'|line 4: 'client_ca_file' is not supported",
            "'tls_server_config:\n  cert_file: a\n  keyfile: b'|line 3: unknown key 'keyfile' under tls_server_config",
            "'tls_server_config:\n  cert_file: a'|tls_server_config needs both cert_file and key_file",
            "'basic_auth_users:\n  alice: x\n   bob: y'|line 3: inconsistent indentation",
            "'basic_auth_users:\n  alice: x\n  alice: y'|line 3: duplicate key 'alice'",
            "'basic_auth_users:\n  alice: \"x'|line 2: unterminated quoted string",
            "'basic_auth_users: [alice]'|line 1: unsupported YAML value",
            "'basic_auth_users: alice'|line 1: 'basic_auth_users' must be a map",
            "'basic_auth_users:\n  alice: [x]'|line 2: unsupported YAML value",
            "'basic_auth_users:\n  alice'|line 2: expected 'key: value'",
            "'  alice: x'|line 1: indented line outside",
            "'http_server_config:\n  http2: false'|line 1: 'http_server_config' is not supported",
    })
    void anythingElseFailsNamingTheLine(String text, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
        assertTrue(message.startsWith("invalid web.config.file web.yml"), message);
        assertTrue(message.contains(expected), message + " should contain " + expected);
    }
}
