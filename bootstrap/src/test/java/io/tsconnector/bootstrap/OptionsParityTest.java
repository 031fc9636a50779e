package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.beust.jcommander.Parameter;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every option of the original connector's README (standalone flag and Lambda variable), and ours, is
 * accepted with its documented values and rejected otherwise with the documented error name, on both paths.
 */
class OptionsParityTest {
    private static final String[] BOOLEAN_TRUE = {"1", "t", "T", "TRUE", "true", "True"};
    private static final String[] BOOLEAN_FALSE = {"0", "f", "F", "FALSE", "false", "False"};
    private static final List<String> BOOLEAN_INVALID = List.of("yes", "no", "2", "tRUE", "on", " true");

    /**
     * One option: its flag, its Lambda variable (null when the README says N/A), valid values with the value they
     * give, invalid values, and the error name the README documents for them (null when it names none).
     */
    private record Option(String flag, String variable, Function<ConnectorSettings, Object> read,
                          Map<String, Object> valid, List<String> invalid, String errorName) {
    }

    private static Map<String, Object> values(Object... valueThenExpected) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < valueThenExpected.length; i += 2) {
            m.put((String) valueThenExpected[i], valueThenExpected[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> booleans() {
        Map<String, Object> m = new LinkedHashMap<>();
        Arrays.stream(BOOLEAN_TRUE).forEach(v -> m.put(v, true));
        Arrays.stream(BOOLEAN_FALSE).forEach(v -> m.put(v, false));
        return m;
    }

    private static final List<Option> OPTIONS = List.of(
            // The original connector's options (README "Configuration Options").
            new Option("database-label", "database_label", ConnectorSettings::databaseLabel,
                    values("PrometheusDatabaseLabel", "PrometheusDatabaseLabel"), List.of(), null),
            new Option("table-label", "table_label", ConnectorSettings::tableLabel,
                    values("PrometheusTableLabel", "PrometheusTableLabel"), List.of(), null),
            new Option("region", "region", s -> s.storage().region(),
                    values("us-west-2", "us-west-2", "us-east-1", "us-east-1"), List.of(), null),
            new Option("web.listen-address", null, ConnectorSettings::listenAddress,
                    values(":9201", new InetSocketAddress(9201), ":3080", new InetSocketAddress(3080),
                            "127.0.0.1:3080", new InetSocketAddress("127.0.0.1", 3080)),
                    List.of("9201", ":99999", ":http"), null),
            new Option("web.telemetry-path", null, ConnectorSettings::telemetryPath,
                    values("/metrics", "/metrics", "/timestream-metrics", "/timestream-metrics"),
                    List.of("metrics", "/write", "/read"), null),
            new Option("max-retries", "max_retries", s -> s.storage().maxReadRetries(),
                    values("3", 3, "10", 10, "0", 0), List.of("-1", "ten", "1.5"), null),
            new Option("enable-logging", "enable_logging", s -> s.log().enabled(), booleans(), BOOLEAN_INVALID,
                    "ParseEnableLoggingError"),
            new Option("fail-on-long-label", "fail_on_long_label", s -> s.writePolicy().failOnLongLabel(), booleans(),
                    BOOLEAN_INVALID, "ParseMetricLabelError"),
            new Option("fail-on-invalid-sample-value", "fail_on_invalid_sample_value",
                    s -> s.writePolicy().failOnInvalidSampleValue(), booleans(), BOOLEAN_INVALID, "ParseSampleOptionError"),
            new Option("log.level", "log_level", s -> s.log().level(),
                    values("info", LogSettings.Level.INFO, "warn", LogSettings.Level.WARN, "debug", LogSettings.Level.DEBUG,
                            "error", LogSettings.Level.ERROR), List.of("trace", "INFO", "warning"), null),
            new Option("log.format", "log_format", s -> s.log().format(),
                    values("logfmt", LogSettings.Format.LOGFMT, "json", LogSettings.Format.JSON), List.of("xml", "JSON"), null),
            // Ours.
            new Option("default-database", "default_database", ConnectorSettings::defaultDatabase,
                    values("promDB", "promDB"), List.of(), null),
            new Option("default-table", "default_table", ConnectorSettings::defaultTable,
                    values("promTable", "promTable"), List.of(), null),
            new Option("storage", "storage", s -> s.storage().storage(),
                    values("timestream", Storage.TIMESTREAM, "local", Storage.LOCAL, "memory", Storage.MEMORY),
                    List.of("s3", "Timestream"), null),
            new Option("max-read-retries", "max_read_retries", s -> s.storage().maxReadRetries(),
                    values("0", 0, "7", 7), List.of("-1", "x"), null),
            new Option("max-write-retries", "max_write_retries", s -> s.storage().maxWriteRetries(),
                    values("0", 0, "5", 5), List.of("-1", "x"), null),
            new Option("write.concurrency", "write_concurrency", s -> s.storage().writeConcurrency(),
                    values("1", 1, "32", 32), List.of("0", "-3", "many"), null),
            new Option("write-base-endpoint", "write_base_endpoint", s -> s.storage().writeEndpoint(),
                    values("https://ingest-cell1.timestream.us-east-1.amazonaws.com",
                            URI.create("https://ingest-cell1.timestream.us-east-1.amazonaws.com")),
                    List.of("nohost", "://x"), null),
            new Option("query-base-endpoint", "query_base_endpoint", s -> s.storage().queryEndpoint(),
                    values("http://127.0.0.1:9000", URI.create("http://127.0.0.1:9000")), List.of("nohost"), null),
            new Option("local.path", "local_path", s -> s.storage().localPath(),
                    values("/tmp/x", "/tmp/x", "mem:test", "mem:test"), List.of(), null),
            new Option("local.create-tables", "local_create_tables", s -> s.storage().localCreateTables(), booleans(),
                    BOOLEAN_INVALID, null),
            new Option("local.retention", "local_retention", s -> s.storage().localRetention(),
                    values("15d", java.time.Duration.ofDays(15), "12h", java.time.Duration.ofHours(12), "90m",
                            java.time.Duration.ofMinutes(90), "1w2d", java.time.Duration.ofDays(9), "1500ms",
                            java.time.Duration.ofMillis(1500)),
                    List.of("0", "15", "15x", "-1d", "1h1d", "d"), null),
            new Option("web.max-request-bytes", null, s -> s.limits().maxDecodedBytes(),
                    values("1048576", 1048576), List.of("0", "big"), null),
            new Option("read.max-samples", null, s -> s.limits().maxReadSamples(),
                    values("1000", 1000L), List.of("0", "lots"), null));

    private static ConnectorSettings flag(Option o, String value) {
        return Flags.parse("--" + o.flag() + "=" + value).toSettings();
    }

    private static ConnectorSettings variable(Option o, String value) {
        return LambdaSettings.fromEnvironment(Map.of(o.variable(), value));
    }

    @Test
    void everyOptionAcceptsItsDocumentedValuesAndRejectsOthersOnBothPaths() {
        List<String> problems = new ArrayList<>();
        for (Option o : OPTIONS) {
            o.valid().forEach((value, expected) -> {
                check(problems, o.flag() + "=" + value, () -> assertEquals(expected, o.read().apply(flag(o, value))));
                if (o.variable() != null) {
                    check(problems, o.variable() + "=" + value,
                            () -> assertEquals(expected, o.read().apply(variable(o, value))));
                }
            });
            for (String value : o.invalid()) {
                check(problems, o.flag() + "=" + value + " is rejected", () -> assertRejected(
                        assertThrows(IllegalArgumentException.class, () -> flag(o, value)).getMessage(), o, o.flag()));
                if (o.variable() != null) {
                    check(problems, o.variable() + "=" + value + " is rejected", () -> assertRejected(
                            assertThrows(IllegalArgumentException.class, () -> variable(o, value)).getMessage(), o,
                            o.variable()));
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " option checks failed:\n" + String.join("\n", problems));
        }
    }

    private static void assertRejected(String message, Option o, String name) {
        if (o.errorName() != null) {
            assertTrue(message.startsWith(o.errorName() + ": "), "starts with " + o.errorName() + ": " + message);
        }
        assertTrue(message.contains(name), "names " + name + ": " + message);
    }

    private static void check(List<String> problems, String what, Runnable assertion) {
        try {
            assertion.run();
        } catch (AssertionError | RuntimeException e) {
            problems.add(what + ": " + e.getMessage());
        }
    }

    @Test
    void defaultsAreTheDocumentedOnesOnBothPaths() {
        for (ConnectorSettings s : List.of(Flags.parse().toSettings(), LambdaSettings.fromEnvironment(Map.of()))) {
            assertEquals("", s.databaseLabel());
            assertEquals("", s.tableLabel());
            assertEquals("us-east-1", s.storage().region());
            assertEquals(3, s.storage().maxReadRetries());
            assertEquals(3, s.storage().maxWriteRetries());
            assertTrue(s.log().enabled());
            assertFalse(s.writePolicy().failOnLongLabel());
            assertFalse(s.writePolicy().failOnInvalidSampleValue());
            assertEquals(LogSettings.Level.INFO, s.log().level());
            assertEquals(LogSettings.Format.LOGFMT, s.log().format());
            assertEquals(Storage.TIMESTREAM, s.storage().storage());
            assertEquals(java.time.Duration.ofDays(15), s.storage().localRetention());
        }
    }

    @Test
    void theTableCoversEveryFlagAndEveryVariable() {
        Set<String> flags = new TreeSet<>();
        for (Field f : Flags.class.getDeclaredFields()) {
            Parameter p = f.getAnnotation(Parameter.class);
            if (p != null && !p.help()) {
                flags.add(p.names()[0].substring(2));
            }
        }
        Set<String> tableFlags = new TreeSet<>();
        Set<String> tableVariables = new TreeSet<>();
        for (Option o : OPTIONS) {
            tableFlags.add(o.flag());
            if (o.variable() != null) {
                tableVariables.add(o.variable());
            }
        }
        tableFlags.addAll(SECURITY_AND_LIFECYCLE_FLAGS);
        assertEquals(flags, tableFlags);
        assertEquals(new TreeSet<>(LambdaSettings.VARIABLES), tableVariables);
    }

    /**
     * Standalone-only flags that are not connector settings but build the server's TLS, authentication and
     * shutdown; their files and values are checked in {@code WebConfigFileTest}, the timeout here too.
     */
    private static final Set<String> SECURITY_AND_LIFECYCLE_FLAGS =
            Set.of("tls-certificate", "tls-key", "web.config.file", "web.shutdown-timeout");

    @Test
    void shutdownTimeoutAcceptsDurationsAndRejectsOthers() {
        assertEquals(10, Flags.parse().shutdownTimeoutSeconds());
        assertEquals(30, Flags.parse("--web.shutdown-timeout=30s").shutdownTimeoutSeconds());
        assertEquals(60, Flags.parse("--web.shutdown-timeout=1m").shutdownTimeoutSeconds());
        for (String bad : List.of("soon", "-1s", "2h")) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> Flags.parse("--web.shutdown-timeout=" + bad).shutdownTimeoutSeconds()).getMessage();
            assertTrue(message.contains("web.shutdown-timeout"), message);
        }
    }

    @Test
    void flagOnlyOptionsDoNotExistOnLambda() {
        ConnectorSettings s = LambdaSettings.fromEnvironment(Map.of("web_listen_address", ":3080",
                "web_telemetry_path", "/x", "web.listen-address", ":3080"));
        assertEquals(LambdaSettings.fromEnvironment(Map.of()), s, "the README marks them N/A on Lambda: ignored");
    }

    @Test
    void documentedExamplesWork() {
        // The README's examples, both columns.
        assertTrue(Flags.parse("--database-label=PrometheusDatabaseLabel", "--table-label=PrometheusTableLabel",
                "--fail-on-long-label=true", "--fail-on-invalid-sample=true").toSettings().writePolicy().failOnInvalidSampleValue());
        ConnectorSettings lambda = LambdaSettings.fromEnvironment(Map.of("database_label", "PrometheusDatabaseLabel",
                "table_label", "PrometheusTableLabel", "max_retries", "10", "log_level", "debug", "log_format", "json",
                "region", "us-west-2"));
        assertEquals(10, lambda.storage().maxReadRetries());
        assertEquals(LogSettings.Format.JSON, lambda.log().format());
        assertEquals("us-west-2", lambda.storage().region());
    }
}
