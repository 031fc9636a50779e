package io.tsconnector.bootstrap.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void reset() {
        ConnectorLoggerFinder.configure(LogSettings.DEFAULT);
        ConnectorLoggerFinder.output(System.err);
    }

    private String log(LogSettings settings, String loggerName, System.Logger.Level level, String message) {
        ConnectorLoggerFinder.output(new PrintStream(out, true, StandardCharsets.UTF_8));
        ConnectorLoggerFinder.configure(settings);
        System.getLogger(loggerName).log(level, message);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logfmtLine() {
        String line = LogLine.format(LogSettings.Format.LOGFMT, LogSettings.Level.ERROR, Instant.parse("2020-11-06T02:01:46.753Z"),
                "utils", "Unable to convert", "LongLabelNameError: x");
        assertEquals("level=error ts=2020-11-06T02:01:46.753Z caller=utils message=\"Unable to convert\" "
                + "error=\"LongLabelNameError: x\"", line);
    }

    @Test
    void aHugeMessageIsCutToABoundedLine() {
        String huge = "series x{a=\"" + "a".repeat(70_000) + "\"}";
        String line = LogLine.format(LogSettings.Format.LOGFMT, LogSettings.Level.WARN, Instant.parse("2020-11-06T02:01:46.753Z"),
                "c", huge, huge);
        assertTrue(line.length() < 3 * LogLine.MAX_TEXT, "line of " + line.length() + " characters");
        assertTrue(line.contains("(" + (huge.length() - LogLine.MAX_TEXT) + " more characters)"), line.substring(0, 200));
    }

    @Test
    void jsonLineEscapes() {
        String line = LogLine.format(LogSettings.Format.JSON, LogSettings.Level.INFO, Instant.parse("2020-11-06T02:01:46.753Z"),
                "c", "a \"quoted\"\nline", null);
        assertEquals("{\"level\":\"info\",\"ts\":\"2020-11-06T02:01:46.753Z\",\"caller\":\"c\",\"message\":\"a \\\"quoted\\\"\\nline\"}", line);
    }

    @Test
    void levelsFilterAndDisablingSilencesEverything() {
        String text = log(new LogSettings(true, LogSettings.Level.WARN, LogSettings.Format.LOGFMT),
                "io.tsconnector.x.Y", System.Logger.Level.INFO, "hidden");
        assertEquals("", text);
        text = log(new LogSettings(true, LogSettings.Level.DEBUG, LogSettings.Format.JSON),
                "io.tsconnector.x.Y", System.Logger.Level.DEBUG, "shown");
        assertTrue(text.startsWith("{\"level\":\"debug\""), text);
        out.reset();
        text = log(new LogSettings(false, LogSettings.Level.DEBUG, LogSettings.Format.JSON),
                "io.tsconnector.x.Y", System.Logger.Level.ERROR, "silenced");
        assertEquals("", text);
    }

    @Test
    void foreignLoggersOnlyPassWarnings() {
        String text = log(new LogSettings(true, LogSettings.Level.DEBUG, LogSettings.Format.LOGFMT),
                "sun.net.httpserver", System.Logger.Level.DEBUG, "noise");
        assertEquals("", text);
    }

    /** The SDK logs through SLF4J; its warnings must reach our output in our format, its debug noise must not. */
    @Test
    void awsSdkSlf4jWarningsReachOurOutputAndDebugDoesNot() {
        ConnectorLoggerFinder.output(new PrintStream(out, true, StandardCharsets.UTF_8));
        ConnectorLoggerFinder.configure(new LogSettings(true, LogSettings.Level.DEBUG, LogSettings.Format.JSON));
        org.slf4j.Logger sdk = org.slf4j.LoggerFactory.getLogger("software.amazon.awssdk.request");
        sdk.debug("Sending Request: {}", "DefaultSdkHttpFullRequest");
        sdk.info("Received successful response: {}", 200);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        sdk.warn("Retrying {} after {}", "WriteRecords", "ThrottlingException");
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"level\":\"warn\",\"ts\":"), text);
        assertTrue(text.contains("\"caller\":\"request\",\"message\":\"Retrying WriteRecords after ThrottlingException\"}"), text);
        assertEquals(1, text.lines().count(), text);

        out.reset();
        ConnectorLoggerFinder.configure(new LogSettings(false, LogSettings.Level.DEBUG, LogSettings.Format.JSON));
        sdk.error("silenced too");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
