package io.tsconnector.bootstrap.logging;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Logging backend for every {@link System.Logger} in the process: one line per event on stderr, in
 * logfmt or JSON, at the configured level. The JDK's own loggers only pass warnings and errors.
 */
public final class ConnectorLoggerFinder extends System.LoggerFinder {
    private static volatile LogSettings settings = LogSettings.DEFAULT;
    private static volatile PrintStream out = System.err;

    /** Applies the settings to all loggers, including those created before. */
    public static void configure(LogSettings newSettings) {
        settings = newSettings;
    }

    /** Redirects output, for tests. */
    static void output(PrintStream stream) {
        out = stream;
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new LineLogger(name);
    }

    private static final class LineLogger implements System.Logger {
        private final String name;
        private final String caller;
        private final boolean ours;

        LineLogger(String name) {
            this.name = name;
            this.caller = name.substring(name.lastIndexOf('.') + 1);
            this.ours = name.startsWith("io.tsconnector.");
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            LogSettings s = settings;
            if (!s.enabled() || level == Level.OFF) {
                return false;
            }
            LogSettings.Level wanted = ours ? s.level() : max(s.level(), LogSettings.Level.WARN);
            return toOurs(level).ordinal() >= wanted.ordinal();
        }

        private static LogSettings.Level max(LogSettings.Level a, LogSettings.Level b) {
            return a.ordinal() >= b.ordinal() ? a : b;
        }

        private static LogSettings.Level toOurs(Level level) {
            return switch (level) {
                case ALL, TRACE, DEBUG -> LogSettings.Level.DEBUG;
                case INFO -> LogSettings.Level.INFO;
                case WARNING -> LogSettings.Level.WARN;
                default -> LogSettings.Level.ERROR;
            };
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                write(toOurs(level), msg, thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                String msg = params == null || params.length == 0 ? format
                        : java.text.MessageFormat.format(format, params);
                write(toOurs(level), msg, null);
            }
        }

        @Override
        public void log(Level level, Supplier<String> supplier) {
            if (isLoggable(level)) {
                write(toOurs(level), supplier.get(), null);
            }
        }

        private void write(LogSettings.Level level, String msg, Throwable thrown) {
            String line = LogLine.format(settings.format(), level, Instant.now(), caller, msg,
                    thrown == null ? null : LogLine.describe(thrown));
            PrintStream o = out;
            synchronized (o) {
                o.println(line);
            }
        }
    }
}
