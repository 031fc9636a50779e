package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaSettingsTest {
    @Test
    void emptyValuesCountAsNotSet() {
        Map<String, String> env = new HashMap<>();
        for (String name : LambdaSettings.VARIABLES) {
            env.put(name, "");
        }
        assertEquals(LambdaSettings.fromEnvironment(Map.of()), LambdaSettings.fromEnvironment(env));
    }

    @Test
    void readRetriesFollowMaxRetriesUnlessSetThemselves() {
        assertEquals(10, LambdaSettings.fromEnvironment(Map.of("max_retries", "10")).storage().maxReadRetries());
        assertEquals(3, LambdaSettings.fromEnvironment(Map.of("max_retries", "10")).storage().maxWriteRetries());
        assertEquals(1, LambdaSettings.fromEnvironment(Map.of("max_retries", "10", "max_read_retries", "1"))
                .storage().maxReadRetries());
    }

    @Test
    void namesAreCaseSensitiveAsDocumented() {
        assertEquals("", LambdaSettings.fromEnvironment(Map.of("DATABASE_LABEL", "x")).databaseLabel());
        assertEquals("x", LambdaSettings.fromEnvironment(Map.of("database_label", "x")).databaseLabel());
    }

    @Test
    void localStorageDefaultsToTheOnlyWritableDirectory() {
        assertEquals("/tmp/data", LambdaSettings.fromEnvironment(Map.of("storage", "local")).storage().localPath());
    }

    @Test
    void errorsNameTheVariable() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> LambdaSettings.fromEnvironment(Map.of("enable_logging", "yes"))).getMessage();
        assertTrue(m.startsWith("ParseEnableLoggingError: invalid value 'yes' for enable_logging: accepted values are 1, t,"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> LambdaSettings.fromEnvironment(Map.of("write_concurrency", "0"))).getMessage();
        assertEquals("invalid write_concurrency 0: must be 1 or more", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> LambdaSettings.fromEnvironment(Map.of("log_format", "xml"))).getMessage();
        assertEquals("invalid value 'xml' for log_format: accepted values are logfmt, json", m);
    }

    @Test
    void summaryNamesTheLambdaVariables() {
        String s = LambdaSettings.summary(LambdaSettings.fromEnvironment(Map.of("database_label", "db", "region", "eu-west-1")));
        assertEquals("storage=timestream region=eu-west-1 database_label=db", s, "options not set are left out");
    }
}
