package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.bootstrap.logging.LogSettings;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlagsTest {
    private static ConnectorSettings settings(String... args) {
        return Flags.parse(args).toSettings();
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> settings(args)).getMessage();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ConnectorSettings s = settings();
        assertEquals("", s.databaseLabel());
        assertEquals("us-east-1", s.storage().region());
        assertEquals(new InetSocketAddress(9201), s.listenAddress());
        assertEquals("/metrics", s.telemetryPath());
        assertEquals(3, s.storage().maxReadRetries());
        assertEquals(3, s.storage().maxWriteRetries());
        assertEquals(128, s.storage().writeConcurrency());
        assertEquals("./data", s.storage().localPath());
        assertTrue(s.storage().localCreateTables());
        assertEquals(null, s.storage().writeEndpoint());
        assertTrue(s.log().enabled());
        assertEquals(LogSettings.Level.INFO, s.log().level());
        assertEquals(LogSettings.Format.LOGFMT, s.log().format());
        assertFalse(s.writePolicy().failOnLongLabel());
        assertFalse(s.writePolicy().failOnInvalidSampleValue());
        assertEquals(Storage.TIMESTREAM, s.storage().storage());
    }

    @Test
    void documentedExampleFlagsAreAccepted() {
        ConnectorSettings s = settings("--database-label=PrometheusDatabaseLabel", "--table-label=PrometheusTableLabel",
                "--region=us-west-2", "--web.listen-address=:3080", "--web.telemetry-path=/timestream-metrics",
                "--max-retries=10", "--log.level=debug", "--log.format=json", "--default-database", "db",
                "--default-table=tbl", "--fail-on-long-label=true", "--fail-on-invalid-sample=true");
        assertEquals("PrometheusDatabaseLabel", s.databaseLabel());
        assertEquals("PrometheusTableLabel", s.tableLabel());
        assertEquals("us-west-2", s.storage().region());
        assertEquals(3080, s.listenAddress().getPort());
        assertEquals("/timestream-metrics", s.telemetryPath());
        assertEquals(10, s.storage().maxReadRetries());
        assertEquals(LogSettings.Level.DEBUG, s.log().level());
        assertEquals(LogSettings.Format.JSON, s.log().format());
        assertEquals("db", s.defaultDatabase());
        assertEquals("tbl", s.defaultTable());
        assertTrue(s.writePolicy().failOnLongLabel());
        assertTrue(s.writePolicy().failOnInvalidSampleValue());
    }

    @ParameterizedTest
    @CsvSource({"1,true", "t,true", "T,true", "TRUE,true", "true,true", "True,true",
        "0,false", "f,false", "F,false", "FALSE,false", "false,false", "False,false"})
    void booleansAcceptExactlyTheDocumentedValues(String value, boolean expected) {
        assertEquals(expected, settings("--enable-logging=" + value).log().enabled());
        assertEquals(expected, settings("--fail-on-long-label=" + value).writePolicy().failOnLongLabel());
        assertEquals(expected, settings("--fail-on-invalid-sample-value=" + value).writePolicy().failOnInvalidSampleValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "tRUE", "2", "", "on"})
    void otherBooleanValuesFailWithTheDocumentedErrorNames(String value) {
        assertTrue(error("--enable-logging=" + value).startsWith("ParseEnableLoggingError: "));
        assertTrue(error("--fail-on-long-label=" + value).startsWith("ParseMetricLabelError: "));
        assertTrue(error("--fail-on-invalid-sample-value=" + value).startsWith("ParseSampleOptionError: "));
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        assertTrue(error("--log.level=trace").contains("debug, info, warn, error"));
        assertTrue(error("--log.format=xml").contains("logfmt, json"));
        assertTrue(error("--storage=s3").contains("accepted values are"));
        assertTrue(error("--web.listen-address=9201").contains("[host]:port"));
        assertTrue(error("--web.listen-address=:99999").contains("port out of range"));
        assertTrue(error("--web.telemetry-path=metrics").contains("must start with '/'"));
        assertTrue(error("--max-retries=-1").contains("0 or more"));
        assertTrue(error("--max-retries=x").contains("max-retries"));
        assertTrue(error("--no-such-flag=1").contains("no-such-flag"));
    }

    @Test
    void storageFlags() {
        ConnectorSettings s = settings("--storage=local", "--local.path=/tmp/x", "--local.create-tables=false",
                "--max-retries=5", "--max-read-retries=7", "--max-write-retries=2", "--write.concurrency=4",
                "--write-base-endpoint=https://ingest.example:443", "--query-base-endpoint=http://127.0.0.1:9000");
        assertEquals(Storage.LOCAL, s.storage().storage());
        assertEquals("/tmp/x", s.storage().localPath());
        assertFalse(s.storage().localCreateTables());
        assertEquals(7, s.storage().maxReadRetries());
        assertEquals(2, s.storage().maxWriteRetries());
        assertEquals(4, s.storage().writeConcurrency());
        assertEquals("ingest.example", s.storage().writeEndpoint().getHost());
        assertEquals(9000, s.storage().queryEndpoint().getPort());
        assertEquals(5, settings("--max-retries=5").storage().maxReadRetries());
        assertTrue(error("--write-base-endpoint=nohost").contains("expected a URL"));
        assertTrue(error("--write.concurrency=0").contains("write.concurrency"));
        assertTrue(error("--local.create-tables=maybe").contains("local.create-tables"));
    }

    @Test
    void listenAddressForms() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9000), Option.Parser.LISTEN_ADDRESS.parse("127.0.0.1:9000", "--web.listen-address"));
        assertEquals(new InetSocketAddress("::1", 9000), Option.Parser.LISTEN_ADDRESS.parse("[::1]:9000", "--web.listen-address"));
        assertEquals(new InetSocketAddress(0), Option.Parser.LISTEN_ADDRESS.parse(":0", "--web.listen-address"));
    }

    @Test
    void influxdbStorageNeedsAUrlAndReadsSecretsOnlyFromFilesOrTheEnvironment() {
        ConnectorSettings s = Flags.parse("--storage=influxdb", "--web.listen-address=127.0.0.1:0").toSettings();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Connector.start(s));
        assertTrue(e.getMessage().contains("influxdb.url"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Flags.parse("--influxdb.token=secret"), "no flag takes a token");
        assertThrows(IllegalArgumentException.class, () -> Flags.parse("--influxdb.password=secret"), "nor a password");
        String summary = Flags.parse("--storage=influxdb", "--influxdb.url=http://127.0.0.1:8086",
                "--influxdb.token-file=/run/secrets/t").toSettings().summary();
        assertTrue(summary.contains("influxdb.url=http://127.0.0.1:8086"), summary);
    }

    @Test
    void theStartUpLineShowsDurationsAsTheyAreWritten() {
        String summary = Flags.parse("--storage=local", "--local.path=mem:x").toSettings().summary();
        assertTrue(summary.contains(" local.retention=15d "), summary);
        assertTrue(!summary.contains("local.create-tables"), "the default is left out: " + summary);
        assertTrue(Flags.parse("--storage=local", "--local.create-tables=false").toSettings().summary()
                .contains(" local.create-tables=false"));
        for (String text : new String[] {"15d", "2w", "1y", "1d12h", "90m", "1h30m", "1s500ms", "8d", "1y1d"}) {
            String expected = switch (text) {
                case "90m" -> "1h30m";
                case "1y1d" -> "366d"; // years and weeks only when exact, as Prometheus prints them
                default -> text;
            };
            assertEquals(expected, StorageSettings.durationText(StorageSettings.parseRetention(text, "--local.retention")), text);
        }
    }
}
