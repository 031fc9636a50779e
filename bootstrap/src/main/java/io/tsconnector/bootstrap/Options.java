package io.tsconnector.bootstrap;

import static io.tsconnector.bootstrap.Option.Group.CACHES;
import static io.tsconnector.bootstrap.Option.Group.GENERAL;
import static io.tsconnector.bootstrap.Option.Group.INFLUXDB;
import static io.tsconnector.bootstrap.Option.Group.LIMITS;
import static io.tsconnector.bootstrap.Option.Group.LOCAL;
import static io.tsconnector.bootstrap.Option.Group.LOGGING;
import static io.tsconnector.bootstrap.Option.Group.STORAGE;
import static io.tsconnector.bootstrap.Option.Group.TIMESTREAM;
import static io.tsconnector.bootstrap.Option.Group.WEB;

import io.tsconnector.adapters.protocol.Limits;
import io.tsconnector.application.service.WritePolicy;
import io.tsconnector.bootstrap.Option.Parser;
import io.tsconnector.bootstrap.logging.LogSettings;
import io.tsconnector.domain.ErrorName;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration: the table of every option of the connector. Adding an option is one entry here (it then
 * exists as a flag, as a Lambda variable, in {@code --help} and in the README's table) plus the line of
 * {@link #settings} that puts its value where it is used.
 */
final class Options {
    /** Filled by {@link #add} in the order of this file, which is the order of {@code --help} within a group. */
    private static final List<Option<?>> TABLE = new ArrayList<>();

    private Options() {
    }

    private static <T> Option<T> add(Option<T> option) {
        TABLE.add(option);
        return option;
    }

    // ---- General: what the process does
    static final Option<Boolean> HELP = add(Option.flag("help", Parser.SWITCH).aliases("h")
            .help("Show this help and exit."));
    static final Option<Boolean> VERSION = add(Option.flag("version", Parser.SWITCH)
            .help("Show the name, version, revision, build date and Java version, and exit."));
    static final Option<URI> HEALTH_CHECK = add(Option.flag("health-check", Parser.URL)
            .help("Instead of serving, GET this URL (e.g. http://127.0.0.1:9201/-/healthy) and exit 0 on a 2xx answer, "
                    + "1 otherwise: a container health check that needs no curl."));

    // ---- Web: the HTTP server
    static final Option<InetSocketAddress> LISTEN_ADDRESS = add(Option.flag("web.listen-address", Parser.LISTEN_ADDRESS)
            .group(WEB).defaultValue(":9201")
            .help("[host]:port to listen on for remote write, remote read and telemetry."));
    static final Option<String> TELEMETRY_PATH = add(Option.flag("web.telemetry-path", Parser.TELEMETRY_PATH)
            .group(WEB).defaultValue("/metrics")
            .help("Path under which the connector's own metrics are served."));
    static final Option<String> WEB_CONFIG_FILE = add(Option.flag("web.config.file", Parser.PATH)
            .group(WEB)
            .help("Prometheus exporter web configuration file: tls_server_config and basic_auth_users (bcrypt)."));
    static final Option<String> TLS_CERT_FILE = add(Option.flag("web.tls-cert-file", Parser.PATH).aliases("tls-certificate")
            .group(WEB)
            .help("PEM certificate chain (server certificate first) to serve HTTPS with; needs --web.tls-key-file."));
    static final Option<String> TLS_KEY_FILE = add(Option.flag("web.tls-key-file", Parser.PATH).aliases("tls-key")
            .group(WEB)
            .help("Unencrypted PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC) of --web.tls-cert-file."));
    static final Option<Integer> SHUTDOWN_TIMEOUT = add(Option.flag("web.shutdown-timeout", Parser.DURATION_SECONDS)
            .group(WEB).defaultValue("10s")
            .help("How long in-flight requests may take to finish after SIGTERM or SIGINT (10s, 1m, 500ms; at most 1h)."));
    static final Option<String> BASIC_AUTH_USERS = add(Option.lambdaOnly("basic_auth_users", Parser.TEXT)
            .group(WEB)
            .help("Users allowed in on Lambda, as htpasswd lines user:bcrypt-hash separated by newlines or commas; "
                    + "when set, every request needs HTTP basic authentication. Set by the SAM template's "
                    + "Authentication=basic."));

    // ---- Logging
    static final Option<LogSettings.Level> LOG_LEVEL = add(Option.flag("log.level", Parser.lowerCaseEnum(LogSettings.Level.class))
            .variable("log_level").group(LOGGING).defaultValue("info")
            .help("Only log messages of this level or above."));
    static final Option<LogSettings.Format> LOG_FORMAT = add(Option.flag("log.format", Parser.lowerCaseEnum(LogSettings.Format.class))
            .variable("log_format").group(LOGGING).defaultValue("logfmt")
            .help("Format of the log lines, which always go to stderr."));
    static final Option<Boolean> LOG_ENABLED = add(Option.flag("log.enabled", Parser.bool(ErrorName.PARSE_ENABLE_LOGGING))
            .aliases("enable-logging").variable("enable_logging").group(LOGGING).defaultValue("true")
            .help("Log at all; false silences every line but a start-up failure's."));

    // ---- Storage: where samples go, for every store
    static final Option<Storage> STORAGE_TYPE = add(Option.flag("storage", Parser.lowerCaseEnum(Storage.class))
            .variable("storage").group(STORAGE).defaultValue("timestream")
            .help("Where samples are stored: timestream (AWS), influxdb (Timestream for InfluxDB, InfluxDB v1 API), "
                    + "local (embedded engine, no AWS account), memory (in-process, for tests)."));
    static final Option<String> DATABASE_LABEL = add(Option.flag("storage.database-label", Parser.LABEL)
            .aliases("database-label").variable("database_label").group(STORAGE)
            .help("The Prometheus label carrying the destination database; removed before storing."));
    static final Option<String> TABLE_LABEL = add(Option.flag("storage.table-label", Parser.LABEL)
            .aliases("table-label").variable("table_label").group(STORAGE)
            .help("The Prometheus label carrying the destination table; removed before storing."));
    static final Option<String> DEFAULT_DATABASE = add(Option.flag("storage.default-database", Parser.NAME)
            .aliases("default-database").variable("default_database").group(STORAGE)
            .help("Database for series and queries without the database label."));
    static final Option<String> DEFAULT_TABLE = add(Option.flag("storage.default-table", Parser.NAME)
            .aliases("default-table").variable("default_table").group(STORAGE)
            .help("Table for series and queries without the table label."));
    static final Option<Boolean> FAIL_ON_LONG_LABEL = add(Option.flag("storage.fail-on-long-label",
                    Parser.bool(ErrorName.PARSE_METRIC_LABEL))
            .aliases("fail-on-long-label").variable("fail_on_long_label").group(STORAGE).defaultValue("false")
            .help("true: a series that breaks a Timestream name limit rejects the whole request with 400; "
                    + "false: the series is skipped and counted."));
    static final Option<Boolean> FAIL_ON_INVALID_SAMPLE = add(Option.flag("storage.fail-on-invalid-sample-value",
                    Parser.bool(ErrorName.PARSE_SAMPLE_OPTION))
            .aliases("fail-on-invalid-sample-value", "fail-on-invalid-sample").variable("fail_on_invalid_sample_value")
            .group(STORAGE).defaultValue("false")
            .help("true: a NaN or infinite value (staleness markers included) rejects the whole request with 400; "
                    + "false: the sample is skipped and counted."));

    // ---- Timestream: the AWS store
    static final Option<String> REGION = add(Option.flag("timestream.region", Parser.NAME)
            .aliases("region").variable("region").group(TIMESTREAM).defaultValue("us-east-1")
            .help("The signing region of Amazon Timestream (also where endpoints are discovered)."));
    static final Option<Integer> MAX_READ_RETRIES = add(Option.flag("timestream.max-read-retries", Parser.integer(0))
            .aliases("max-read-retries", "max-retries").variable("max_read_retries", "max_retries").group(TIMESTREAM)
            .defaultValue("3")
            .help("Retries of a failed Query call (throttling, 5xx, network), with backoff."));
    static final Option<Integer> MAX_WRITE_RETRIES = add(Option.flag("timestream.max-write-retries", Parser.integer(0))
            .aliases("max-write-retries").variable("max_write_retries").group(TIMESTREAM).defaultValue("3")
            .help("Retries of a failed WriteRecords call (throttling, 5xx, network), with backoff."));
    static final Option<Integer> WRITE_CONCURRENCY = add(Option.flag("timestream.write-concurrency", Parser.integer(1))
            .aliases("write.concurrency").variable("write_concurrency").group(TIMESTREAM).defaultValue("128")
            .help("WriteRecords calls in flight at once, shared first-come first-served by all requests "
                    + "(a 2,000-sample request is 20 to 30 calls). A write finding 512 calls (or 4 per concurrent "
                    + "call, if more) in flight or queued is answered 503 at once."));
    static final Option<URI> WRITE_ENDPOINT = add(Option.flag("timestream.write-endpoint", Parser.URL)
            .aliases("write-base-endpoint").variable("write_base_endpoint").group(TIMESTREAM).defaultText("discovered")
            .help("Timestream write endpoint (a VPC endpoint, PrivateLink); turns off endpoint discovery."));
    static final Option<URI> QUERY_ENDPOINT = add(Option.flag("timestream.query-endpoint", Parser.URL)
            .aliases("query-base-endpoint").variable("query_base_endpoint").group(TIMESTREAM).defaultText("discovered")
            .help("Timestream query endpoint; turns off endpoint discovery."));

    // ---- InfluxDB: Timestream for InfluxDB and InfluxDB over the v1 API (secrets only from files or the
    // INFLUXDB_TOKEN / INFLUXDB_PASSWORD environment variables, never from a flag value)
    static final Option<URI> INFLUXDB_URL = add(Option.flag("influxdb.url", new Parser<>("URL", null, InfluxOptions::url))
            .variable("influxdb_url").group(INFLUXDB)
            .help("--storage=influxdb: base URL of the InfluxDB v1 API (/write, /query), e.g. https://host:8086; "
                    + "http or https (JDK trust store)."));
    static final Option<String> INFLUXDB_RETENTION_POLICY = add(Option.flag("influxdb.retention-policy", Parser.NAME)
            .variable("influxdb_retention_policy").group(INFLUXDB).defaultText("the database's default")
            .help("v1 retention policy (rp) to write to and read from."));
    static final Option<String> INFLUXDB_TOKEN_FILE = add(Option.flag("influxdb.token-file", Parser.PATH)
            .variable("influxdb_token_file").group(INFLUXDB).defaultText("$INFLUXDB_TOKEN")
            .help("File holding the API token (Authorization: Token ...), as Timestream for InfluxDB and InfluxDB 2/3 use."));
    static final Option<String> INFLUXDB_USERNAME = add(Option.flag("influxdb.username", Parser.NAME)
            .variable("influxdb_username").group(INFLUXDB)
            .help("v1 username; its password comes from --influxdb.password-file or $INFLUXDB_PASSWORD."));
    static final Option<String> INFLUXDB_PASSWORD_FILE = add(Option.flag("influxdb.password-file", Parser.PATH)
            .variable("influxdb_password_file").group(INFLUXDB).defaultText("$INFLUXDB_PASSWORD")
            .help("File holding the v1 password of --influxdb.username."));
    static final Option<java.time.Duration> INFLUXDB_TIMEOUT = add(Option.flag("influxdb.timeout",
                    new Parser<>("DURATION", null, InfluxOptions::duration))
            .variable("influxdb_timeout").group(INFLUXDB).defaultValue("10s")
            .help("Limit of one HTTP request to InfluxDB (10s, 1m, 500ms)."));
    static final Option<Integer> INFLUXDB_BATCH_SIZE = add(Option.flag("influxdb.batch-size",
                    new Parser<>("INT", "1 or more", (v, n) -> InfluxOptions.integer(v, n, 1)))
            .variable("influxdb_batch_size").group(INFLUXDB).defaultValue(Integer.toString(InfluxOptions.DEFAULT.batchSize()))
            .help("Points per write request to InfluxDB at most; the batches of a request go out concurrently."));
    static final Option<Integer> INFLUXDB_GZIP_MIN_BYTES = add(Option.flag("influxdb.gzip-min-bytes",
                    new Parser<>("BYTES", "auto, -1 or 0 or more", InfluxOptions::gzipMinBytes))
            .variable("influxdb_gzip_min_bytes").group(INFLUXDB).defaultValue("auto")
            .help("Write bodies of at least this many bytes are gzip-compressed; -1 never; auto: 65536 unless "
                    + "InfluxDB is on a loopback address."));
    static final Option<Integer> INFLUXDB_READ_PARALLELISM = add(Option.flag("influxdb.read-parallelism",
                    new Parser<>("INT", "1 to 64", InfluxOptions::readParallelism))
            .variable("influxdb_read_parallelism").group(INFLUXDB)
            .defaultValue(Integer.toString(InfluxOptions.DEFAULT.readParallelism()))
            .help("InfluxQL requests of one remote-read query that run at once (statements per series, or "
                    + "time parts of a long query)."));

    // ---- Local: the embedded engine
    static final Option<String> LOCAL_PATH = add(Option.flag("local.path", Parser.PATH)
            .variable("local_path").group(LOCAL).defaultValue("./data").lambdaDefault("/tmp/data")
            .help("Directory of the local storage's files (--storage=local), created if missing, or mem:NAME "
                    + "to keep everything in memory."));
    static final Option<Boolean> LOCAL_CREATE_TABLES = add(Option.flag("local.create-tables", Parser.bool(null))
            .variable("local_create_tables").group(LOCAL).defaultValue("true")
            .help("Create databases and tables on first write; false: a write to a missing table answers 404, as on AWS."));

    static final Option<java.time.Duration> LOCAL_RETENTION = add(Option.flag("local.retention",
                    new Parser<>("DURATION", "a Prometheus duration such as 15d, 12h, 90m, 1w", StorageSettings::parseRetention))
            .variable("local_retention").group(LOCAL).defaultValue("15d")
            .help("How long local storage keeps samples, like Prometheus' --storage.tsdb.retention.time; older ones "
                    + "are deleted in the background."));

    // ---- Limits
    static final Option<Integer> MAX_REQUEST_BYTES = add(Option.flag("web.max-request-bytes", Parser.integer(1))
            .group(LIMITS).defaultValue(Integer.toString(Limits.DEFAULT.maxDecodedBytes()))
            .help("Largest decompressed request body (32 MiB); a body declaring more is refused with 413 before "
                    + "anything is allocated."));
    static final Option<Long> READ_MAX_SAMPLES = add(Option.flag("read.max-samples", Parser.longInteger(1))
            .group(LIMITS).defaultValue(Long.toString(Limits.DEFAULT.maxReadSamples()))
            .help("Most samples one SAMPLES read response may hold; more gives 400. Streamed reads have no such limit."));
    static final Option<java.time.Duration> READ_TIMEOUT = add(Option.flag("read.timeout",
                    new Parser<>("DURATION", null, InfluxOptions::duration))
            .variable("read_timeout").group(LIMITS).defaultValue("1m")
            .help("Longest time one remote-read request may take (like Prometheus' remote_read remote_timeout, 1m; "
                    + "at most 10m; on Lambda keep it below the API's integration timeout); past it the store's "
                    + "queries are stopped (Timestream: CancelQuery) and the answer is 503."));

    // ---- Caches: each owned by the object that uses it, two generations, exported as timestream_connector_cache_*
    static final Option<Integer> CACHE_REMOTE_WRITE_LABELS = add(Option.flag("cache.remote-write-labels", Parser.integer(0))
            .variable("cache_remote_write_labels").group(CACHES)
            .defaultValue(Integer.toString(CacheSettings.DEFAULT.remoteWriteLabels()))
            .help("Label sets of remote write 1.0 reused by their wire bytes instead of decoded again "
                    + "(cache=\"remote_write_labels\"); 0 turns the cache off."));
    static final Option<Integer> CACHE_WRITE_SERIES = add(Option.flag("cache.write-series", Parser.integer(0))
            .variable("cache_write_series").group(CACHES)
            .defaultValue(Integer.toString(CacheSettings.DEFAULT.writeSeries()))
            .help("Series whose destination and label checks are remembered (cache=\"write_series\"); 0 turns the "
                    + "cache off."));
    static final Option<Integer> CACHE_TIMESTREAM_SERIES = add(Option.flag("cache.timestream-series", Parser.integer(0))
            .variable("cache_timestream_series").group(CACHES)
            .defaultValue(Integer.toString(CacheSettings.DEFAULT.timestreamSeries()))
            .help("--storage=timestream or local: series whose prepared record attributes are kept "
                    + "(cache=\"timestream_series\"); 0 turns the cache off."));

    private static InfluxOptions influxdb(OptionValues v) {
        return new InfluxOptions(v.get(INFLUXDB_URL), orEmpty(v.get(INFLUXDB_RETENTION_POLICY)),
                orEmpty(v.get(INFLUXDB_TOKEN_FILE)), orEmpty(v.get(INFLUXDB_USERNAME)), orEmpty(v.get(INFLUXDB_PASSWORD_FILE)),
                v.get(INFLUXDB_TIMEOUT), v.get(INFLUXDB_BATCH_SIZE), v.get(INFLUXDB_GZIP_MIN_BYTES),
                v.get(INFLUXDB_READ_PARALLELISM));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Every option, in the order of this file. */
    static final List<Option<?>> ALL = List.copyOf(TABLE);

    /**
     * The connector settings the values describe; every value is parsed and validated here, once for both the
     * flags and the Lambda variables.
     *
     * @throws IllegalArgumentException with one line naming the option as it was given
     */
    static ConnectorSettings settings(OptionValues v) {
        LogSettings log = new LogSettings(v.get(LOG_ENABLED), v.get(LOG_LEVEL), v.get(LOG_FORMAT));
        WritePolicy policy = new WritePolicy(v.get(FAIL_ON_LONG_LABEL), v.get(FAIL_ON_INVALID_SAMPLE));
        StorageSettings storage = new StorageSettings(v.get(STORAGE_TYPE), v.get(REGION), v.get(WRITE_ENDPOINT),
                v.get(QUERY_ENDPOINT), v.get(MAX_READ_RETRIES), v.get(MAX_WRITE_RETRIES), v.get(WRITE_CONCURRENCY),
                v.get(LOCAL_PATH), v.get(LOCAL_CREATE_TABLES), v.get(LOCAL_RETENTION), influxdb(v));
        Limits limits = new Limits(v.get(MAX_REQUEST_BYTES), v.get(READ_MAX_SAMPLES)).withReadTimeout(v.get(READ_TIMEOUT));
        CacheSettings caches = new CacheSettings(v.get(CACHE_REMOTE_WRITE_LABELS), v.get(CACHE_WRITE_SERIES),
                v.get(CACHE_TIMESTREAM_SERIES));
        return new ConnectorSettings(v.get(DATABASE_LABEL), v.get(TABLE_LABEL), v.get(DEFAULT_DATABASE),
                v.get(DEFAULT_TABLE), v.get(LISTEN_ADDRESS), v.get(TELEMETRY_PATH), policy, log, storage, limits, caches);
    }
}
