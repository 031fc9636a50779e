package io.tsconnector.bootstrap.logging;

import java.util.Locale;

/**
 * Settings of the logger: on or off ({@code enable-logging}), level ({@code log.level}, default info)
 * and format ({@code log.format}, default logfmt). Logs always go to stderr.
 */
public record LogSettings(boolean enabled, Level level, Format format) {
    public static final LogSettings DEFAULT = new LogSettings(true, Level.INFO, Format.LOGFMT);

    /** Accepted levels, lowest first. */
    public enum Level {
        DEBUG, INFO, WARN, ERROR;

        public static Level parse(String value) {
            for (Level l : values()) {
                if (l.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("invalid log.level '" + value + "': accepted values are debug, info, warn, error");
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Accepted output formats. */
    public enum Format {
        LOGFMT, JSON;

        public static Format parse(String value) {
            for (Format f : values()) {
                if (f.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("invalid log.format '" + value + "': accepted values are logfmt, json");
        }
    }
}
