package io.tsconnector.bootstrap;

import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.domain.ErrorName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Settings of the connector on AWS Lambda, from the function's environment variables: the options of
 * the standalone flags in {@code snake_case} (names are case-sensitive), with the same defaults, checks
 * and error names. {@code web.listen-address} and {@code web.telemetry-path} do not apply on Lambda.
 * A variable set to an empty value counts as not set.
 */
final class LambdaSettings {
    /** Every variable read, in documentation order. */
    static final List<String> VARIABLES = List.of("database_label", "table_label", "default_database", "default_table",
            "region", "max_retries", "max_read_retries", "max_write_retries", "enable_logging", "fail_on_long_label",
            "fail_on_invalid_sample_value", "log_level", "log_format", "storage", "write_base_endpoint",
            "query_base_endpoint", "write_concurrency", "local_path", "local_create_tables", "local_retention");

    /** The only writable directory of a Lambda function is /tmp, so local storage defaults there. */
    static final String DEFAULT_LOCAL_PATH = "/tmp/data";

    /** Lambda serves no socket of its own; the address is never bound. */
    private static final InetSocketAddress NOT_LISTENING = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private LambdaSettings() {
    }

    /**
     * The settings the environment describes; validates every value.
     *
     * @throws IllegalArgumentException with one line naming the variable, starting with the documented error
     *         name where there is one (ParseEnableLoggingError, ParseMetricLabelError, ParseSampleOptionError)
     */
    static ConnectorSettings fromEnvironment(Map<String, String> env) {
        LogSettings log = new LogSettings(
                Flags.parseBool(get(env, "enable_logging", "true"), "enable_logging", ErrorName.PARSE_ENABLE_LOGGING),
                choice("log_level", () -> LogSettings.Level.parse(get(env, "log_level", "info"))),
                choice("log_format", () -> LogSettings.Format.parse(get(env, "log_format", "logfmt"))));
        WritePolicy policy = new WritePolicy(
                Flags.parseBool(get(env, "fail_on_long_label", "false"), "fail_on_long_label", ErrorName.PARSE_METRIC_LABEL),
                Flags.parseBool(get(env, "fail_on_invalid_sample_value", "false"), "fail_on_invalid_sample_value",
                        ErrorName.PARSE_SAMPLE_OPTION));
        int maxRetries = integer(env, "max_retries", StorageSettings.DEFAULT.maxReadRetries(), 0);
        int readRetries = integer(env, "max_read_retries", maxRetries, 0);
        int writeRetries = integer(env, "max_write_retries", StorageSettings.DEFAULT.maxWriteRetries(), 0);
        int writeConcurrency = integer(env, "write_concurrency", StorageSettings.DEFAULT.writeConcurrency(), 1);
        StorageSettings storage = new StorageSettings(
                Storage.parse(get(env, "storage", Storage.TIMESTREAM.text())),
                get(env, "region", StorageSettings.DEFAULT.region()),
                Flags.endpoint(get(env, "write_base_endpoint", ""), "write_base_endpoint"),
                Flags.endpoint(get(env, "query_base_endpoint", ""), "query_base_endpoint"),
                readRetries, writeRetries, writeConcurrency, get(env, "local_path", DEFAULT_LOCAL_PATH),
                Flags.parseBool(get(env, "local_create_tables", "true"), "local_create_tables", null),
                StorageSettings.parseRetention(get(env, "local_retention", "15d"), "local_retention"));
        return new ConnectorSettings(get(env, "database_label", ""), get(env, "table_label", ""),
                get(env, "default_database", ""), get(env, "default_table", ""), NOT_LISTENING, "/metrics", policy, log,
                storage, Limits.DEFAULT);
    }

    /** One line for the start-up log. */
    static String summary(ConnectorSettings s) {
        StringBuilder sb = new StringBuilder("storage=").append(s.storage().storage().text());
        switch (s.storage().storage()) {
            case TIMESTREAM -> sb.append(" region=").append(s.storage().region());
            case LOCAL -> sb.append(" local_path=").append(s.storage().localPath())
                    .append(" local_retention=").append(s.storage().localRetention());
            case MEMORY -> { }
        }
        return sb.append(" database_label=").append(s.databaseLabel()).append(" table_label=").append(s.tableLabel())
                .append(" default_database=").append(s.defaultDatabase()).append(" default_table=")
                .append(s.defaultTable()).toString();
    }

    private static String get(Map<String, String> env, String name, String defaultValue) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? defaultValue : value;
    }

    private static int integer(Map<String, String> env, String name, int defaultValue, int min) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + name + " '" + value + "': expected a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException("invalid " + name + " " + n + ": must be " + min + " or more");
        }
        return n;
    }

    private static <T> T choice(String name, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
