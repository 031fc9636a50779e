package io.tsconnector.bootstrap.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Routes java.util.logging, and with it the JDK's default {@link System.Logger}s, to the connector's log
 * lines. Needed where the application is loaded by a class loader that the JDK's logger-finder lookup
 * does not search, as on AWS Lambda: there {@link ConnectorLoggerFinder} is not the process-wide backend
 * and {@code log_level}, {@code log_format} and {@code enable_logging} would otherwise be ignored.
 */
public final class JulBridge extends Handler {
    private final ConnectorLoggerFinder lines = new ConnectorLoggerFinder();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private JulBridge() {
    }

    /** Installs the bridge unless the connector's finder already receives every log event. */
    public static void installIfNeeded(LogSettings settings) {
        if (!(System.LoggerFinder.getLoggerFinder() instanceof ConnectorLoggerFinder)) {
            install(settings);
        }
    }

    /** Replaces the root handlers by the bridge; the root level lets through only what will be written. */
    static JulBridge install(LogSettings settings) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        JulBridge bridge = new JulBridge();
        root.addHandler(bridge);
        root.setLevel(!settings.enabled() ? Level.OFF : switch (settings.level()) {
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARN -> Level.WARNING;
            case ERROR -> Level.SEVERE;
        });
        return bridge;
    }

    @Override
    public void publish(LogRecord record) {
        String name = record.getLoggerName() == null ? "" : record.getLoggerName();
        System.Logger target = lines.getLogger(name, JulBridge.class.getModule());
        target.log(toSystem(record.getLevel()), formatter.formatMessage(record), record.getThrown());
    }

    private static System.Logger.Level toSystem(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return System.Logger.Level.ERROR;
        }
        if (v >= Level.WARNING.intValue()) {
            return System.Logger.Level.WARNING;
        }
        if (v >= Level.INFO.intValue()) {
            return System.Logger.Level.INFO;
        }
        return System.Logger.Level.DEBUG;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
