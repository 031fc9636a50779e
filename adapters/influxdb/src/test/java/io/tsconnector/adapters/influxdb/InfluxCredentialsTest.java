package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets come from a file or an environment variable and never show in messages. */
class InfluxCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void tokenFromFileOrEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  file-token\n");
        InfluxCredentials fromFile = InfluxCredentials.resolve(Map.of("INFLUXDB_TOKEN", "env-token"), file.toString(), "", "");
        assertEquals("Token file-token", fromFile.authorization());
        assertEquals("Token env-token", InfluxCredentials.resolve(Map.of("INFLUXDB_TOKEN", "env-token"), "", "", "").authorization());
        assertEquals("token", fromFile.toString());
        assertFalse(fromFile.toString().contains("file-token"));
    }

    @Test
    void usernameWithPasswordFromFileOrEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "p w:x\n");
        InfluxCredentials c = InfluxCredentials.resolve(Map.of(), null, "alice", file.toString());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:p w:x".getBytes(StandardCharsets.UTF_8)),
                c.authorization());
        assertEquals("username alice", c.toString());
        assertEquals(InfluxCredentials.basic("bob", "envpw").authorization(),
                InfluxCredentials.resolve(Map.of("INFLUXDB_PASSWORD", "envpw"), null, "bob", null).authorization());
    }

    @Test
    void nothingGivenIsNoAuthenticationAndMistakesNameTheOptionNotTheSecret() {
        assertNull(InfluxCredentials.resolve(Map.of(), "", "", "").authorization());
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
                () -> InfluxCredentials.resolve(Map.of(), "", "alice", ""));
        assertTrue(noPassword.getMessage().contains("INFLUXDB_PASSWORD"), noPassword.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> InfluxCredentials.resolve(Map.of("INFLUXDB_TOKEN", "sekrit"), "", "alice", ""));
        assertFalse(both.getMessage().contains("sekrit"), both.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> InfluxCredentials.resolve(Map.of(), dir.resolve("absent").toString(), "", ""));
        assertTrue(missing.getMessage().contains("influxdb.token-file"), missing.getMessage());
    }
}
