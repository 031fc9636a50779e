package io.tsconnector.bootstrap.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JulBridgeTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Handler[] savedHandlers;
    private Level savedLevel;

    @BeforeEach
    void save() {
        Logger root = LogManager.getLogManager().getLogger("");
        savedHandlers = root.getHandlers();
        savedLevel = root.getLevel();
        ConnectorLoggerFinder.output(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        for (Handler h : savedHandlers) {
            root.addHandler(h);
        }
        root.setLevel(savedLevel);
        ConnectorLoggerFinder.configure(LogSettings.DEFAULT);
        ConnectorLoggerFinder.output(System.err);
    }

    @Test
    void javaUtilLoggingBecomesConnectorLines() {
        LogSettings settings = new LogSettings(true, LogSettings.Level.INFO, LogSettings.Format.JSON);
        ConnectorLoggerFinder.configure(settings);
        JulBridge.install(settings);
        Logger log = Logger.getLogger("io.tsconnector.adapters.lambda.ApiGatewayV2Handler");
        log.fine("hidden at info");
        log.log(Level.INFO, "answered {0}", 204);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.startsWith("{\"level\":\"info\""), text);
        assertTrue(text.contains("\"caller\":\"ApiGatewayV2Handler\",\"message\":\"answered 204\""), text);
    }

    @Test
    void disabledLoggingSilencesTheBridge() {
        LogSettings off = new LogSettings(false, LogSettings.Level.DEBUG, LogSettings.Format.LOGFMT);
        ConnectorLoggerFinder.configure(off);
        JulBridge.install(off);
        Logger.getLogger("io.tsconnector.x").severe("nothing");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
