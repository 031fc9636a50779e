package io.tsconnector.bootstrap;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import io.tsconnector.adapters.http.BasicAuthUsers;
import io.tsconnector.adapters.http.InboundSecurity;
import io.tsconnector.adapters.http.PemTls;
import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.domain.ErrorName;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** Command-line flags of the standalone connector, with the documented names and defaults. */
@Parameters(separators = "=")
final class Flags {
    /** The values Go's strconv.ParseBool accepts, which the documented options accept. */
    static final Set<String> TRUE_VALUES = Set.of("1", "t", "T", "TRUE", "true", "True");
    static final Set<String> FALSE_VALUES = Set.of("0", "f", "F", "FALSE", "false", "False");

    @Parameter(names = "--database-label", description = "The Prometheus label containing the database name.")
    String databaseLabel = "";

    @Parameter(names = "--table-label", description = "The Prometheus label containing the table name.")
    String tableLabel = "";

    @Parameter(names = "--default-database", description = "Database for series and queries without the database label.")
    String defaultDatabase = "";

    @Parameter(names = "--default-table", description = "Table for series and queries without the table label.")
    String defaultTable = "";

    @Parameter(names = "--region", description = "The signing region for the Amazon Timestream service.")
    String region = "us-east-1";

    @Parameter(names = "--web.listen-address", description = "Address to listen on for write and read requests and telemetry.")
    String listenAddress = ":9201";

    @Parameter(names = "--web.telemetry-path", description = "Path under which to expose the connector's metrics.")
    String telemetryPath = "/metrics";

    @Parameter(names = "--web.max-request-bytes", description = "Largest decompressed request body; larger requests get 413.")
    int maxRequestBytes = Limits.DEFAULT.maxDecodedBytes();

    @Parameter(names = "--read.max-samples", description = "Most samples one remote read response may hold; more gives 400.")
    long maxReadSamples = Limits.DEFAULT.maxReadSamples();

    @Parameter(names = "--max-retries", description = "The maximum number of times a read request to Timestream is retried on recoverable errors.")
    int maxRetries = 3;

    @Parameter(names = "--max-read-retries", description = "Retries of a failed Timestream Query call (overrides --max-retries).")
    Integer maxReadRetries;

    @Parameter(names = "--max-write-retries", description = "Retries of a failed Timestream WriteRecords call.")
    int maxWriteRetries = 3;

    @Parameter(names = "--write.concurrency", description = "WriteRecords calls in flight at once, shared by all requests.")
    int writeConcurrency = StorageSettings.DEFAULT.writeConcurrency();

    @Parameter(names = "--write-base-endpoint", description = "Endpoint for Timestream writes (e.g. a VPC endpoint); disables endpoint discovery.")
    String writeEndpoint = "";

    @Parameter(names = "--query-base-endpoint", description = "Endpoint for Timestream queries (e.g. a VPC endpoint); disables endpoint discovery.")
    String queryEndpoint = "";

    @Parameter(names = "--local.path", description = "Directory of the local storage's files (storage=local), or mem:NAME for memory only.")
    String localPath = "./data";

    @Parameter(names = "--local.create-tables", description = "Create databases and tables on first write in local storage: true or false.")
    String localCreateTables = "true";

    @Parameter(names = "--local.retention", description = "How long local storage keeps samples, e.g. 15d, 12h or 90m (storage=local).")
    String localRetention = "15d";

    @Parameter(names = "--enable-logging", description = "Enables or disables logging: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.")
    String enableLogging = "true";

    @Parameter(names = "--fail-on-long-label", description = "Reject the whole write request when a series breaks a Timestream name limit, instead of skipping the series.")
    String failOnLongLabel = "false";

    @Parameter(names = {"--fail-on-invalid-sample-value", "--fail-on-invalid-sample"},
            description = "Reject the whole write request on a non-finite sample value, instead of skipping the sample.")
    String failOnInvalidSampleValue = "false";

    @Parameter(names = "--log.level", description = "Log level: debug, info, warn, error.")
    String logLevel = "info";

    @Parameter(names = "--log.format", description = "Log format: logfmt, json.")
    String logFormat = "logfmt";

    @Parameter(names = "--storage", description = "Where samples are stored: timestream, local (embedded engine, no AWS account), memory.")
    String storage = "timestream";

    @Parameter(names = "--tls-certificate", description = "PEM certificate chain (server certificate first) to serve HTTPS with; needs --tls-key.")
    String tlsCertificate = "";

    @Parameter(names = "--tls-key", description = "PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) of --tls-certificate.")
    String tlsKey = "";

    @Parameter(names = "--web.config.file", description = "Prometheus exporter web configuration file: tls_server_config and basic_auth_users (bcrypt).")
    String webConfigFile = "";

    @Parameter(names = "--web.shutdown-timeout", description = "How long in-flight requests may take to finish after SIGTERM, e.g. 10s or 1m.")
    String shutdownTimeout = "10s";

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    static Flags parse(String... args) {
        Flags flags = new Flags();
        try {
            JCommander.newBuilder().addObject(flags).programName("timestream-prometheus-connector").build().parse(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return flags;
    }

    static String usage() {
        StringBuilder sb = new StringBuilder();
        JCommander.newBuilder().addObject(new Flags()).programName("timestream-prometheus-connector").build().getUsageFormatter().usage(sb);
        return sb.toString();
    }

    /** The settings these flags describe; validates every value. */
    ConnectorSettings toSettings() {
        LogSettings log = new LogSettings(parseBool(enableLogging, "enable-logging", ErrorName.PARSE_ENABLE_LOGGING),
                LogSettings.Level.parse(logLevel), LogSettings.Format.parse(logFormat));
        WritePolicy policy = new WritePolicy(parseBool(failOnLongLabel, "fail-on-long-label", ErrorName.PARSE_METRIC_LABEL),
                parseBool(failOnInvalidSampleValue, "fail-on-invalid-sample-value", ErrorName.PARSE_SAMPLE_OPTION));
        if (maxRetries < 0) {
            throw new IllegalArgumentException("invalid max-retries " + maxRetries + ": must be 0 or more");
        }
        int readRetries = maxReadRetries == null ? maxRetries : maxReadRetries;
        if (readRetries < 0 || maxWriteRetries < 0) {
            throw new IllegalArgumentException("invalid max-read-retries/max-write-retries: must be 0 or more");
        }
        StorageSettings storageSettings = new StorageSettings(Storage.parse(storage), region,
                endpoint(writeEndpoint, "write-base-endpoint"), endpoint(queryEndpoint, "query-base-endpoint"),
                readRetries, maxWriteRetries, writeConcurrency, localPath,
                parseBool(localCreateTables, "local.create-tables", null),
                StorageSettings.parseRetention(localRetention, "local.retention"));
        if (!telemetryPath.startsWith("/") || telemetryPath.equals("/write") || telemetryPath.equals("/read")) {
            throw new IllegalArgumentException("invalid web.telemetry-path '" + telemetryPath
                    + "': must start with '/' and differ from /write and /read");
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("invalid web.max-request-bytes " + maxRequestBytes + ": must be positive");
        }
        if (maxReadSamples <= 0) {
            throw new IllegalArgumentException("invalid read.max-samples " + maxReadSamples + ": must be positive");
        }
        Limits limits;
        try {
            limits = new Limits(maxRequestBytes, maxReadSamples);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid limit: " + e.getMessage(), e);
        }
        return new ConnectorSettings(databaseLabel, tableLabel, defaultDatabase, defaultTable,
                parseListenAddress(listenAddress), telemetryPath, policy, log, storageSettings, limits);
    }

    /**
     * The TLS and authentication the flags ask for; reads the files they name.
     *
     * @throws IllegalArgumentException one line naming the file or flag that is wrong
     */
    InboundSecurity toSecurity() {
        if (tlsCertificate.isEmpty() != tlsKey.isEmpty()) {
            throw new IllegalArgumentException("--tls-certificate and --tls-key must be given together");
        }
        WebConfigFile web = webConfigFile.isEmpty() ? null : WebConfigFile.read(Path.of(webConfigFile));
        if (web != null && web.hasTls() && !tlsCertificate.isEmpty()) {
            throw new IllegalArgumentException("TLS is configured twice: use either --tls-certificate/--tls-key "
                    + "or tls_server_config in " + webConfigFile);
        }
        SSLContext tls = null;
        if (!tlsCertificate.isEmpty()) {
            tls = PemTls.load(Path.of(tlsCertificate), Path.of(tlsKey));
        } else if (web != null && web.hasTls()) {
            tls = PemTls.load(web.certFile(), web.keyFile());
        }
        BasicAuthUsers users = null;
        if (web != null && !web.users().isEmpty()) {
            try {
                users = new BasicAuthUsers(web.users());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid web.config.file " + webConfigFile + ": " + e.getMessage(), e);
            }
        }
        return new InboundSecurity(tls, users);
    }

    /** {@code --web.shutdown-timeout} in whole seconds: {@code 10s}, {@code 1m}, {@code 500ms} (rounded up) or plain seconds. */
    int shutdownTimeoutSeconds() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)?").matcher(shutdownTimeout.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid web.shutdown-timeout '" + shutdownTimeout
                    + "': expected a duration such as 10s, 1m or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long seconds = switch (unit) {
            case "ms" -> (n + 999) / 1000;
            case "m" -> n * 60;
            default -> n;
        };
        if (seconds > 3600) {
            throw new IllegalArgumentException("invalid web.shutdown-timeout '" + shutdownTimeout + "': at most 1h");
        }
        return (int) seconds;
    }

    /** Parses a Go-style boolean; anything else fails with the documented error name. */
    static boolean parseBool(String value, String flag, ErrorName error) {
        if (TRUE_VALUES.contains(value)) {
            return true;
        }
        if (FALSE_VALUES.contains(value)) {
            return false;
        }
        throw new IllegalArgumentException((error == null ? "" : error.text() + ": ") + "invalid value '" + value + "' for " + flag
                + ": accepted values are 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False");
    }

    /** An endpoint URI with scheme and host, or null for an empty value. */
    static java.net.URI endpoint(String value, String flag) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("invalid " + flag + " '" + value + "': expected a URL like https://host");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("invalid " + flag + " '" + value + "': " + e.getMessage(), e);
        }
    }

    /** Parses {@code [host]:port}; an empty host listens on every interface. */
    static InetSocketAddress parseListenAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid web.listen-address '" + value + "': expected [host]:port, e.g. :9201");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid web.listen-address '" + value + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid web.listen-address '" + value + "': port out of range");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
