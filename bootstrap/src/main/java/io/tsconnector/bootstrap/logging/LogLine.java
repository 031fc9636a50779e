package io.tsconnector.bootstrap.logging;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats one log event as a logfmt or JSON line. */
final class LogLine {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private LogLine() {
    }

    /** Longest message or error text of one line; a series with a huge label must not make a huge line. */
    static final int MAX_TEXT = 4096;

    static String format(LogSettings.Format format, LogSettings.Level level, Instant ts, String caller, String message,
                         String error) {
        message = bounded(message);
        error = error == null ? null : bounded(error);
        StringBuilder sb = new StringBuilder(128);
        if (format == LogSettings.Format.JSON) {
            sb.append("{\"level\":\"").append(level.text()).append("\",\"ts\":\"").append(TS.format(ts))
                    .append("\",\"caller\":");
            json(caller, sb);
            sb.append(",\"message\":");
            json(message, sb);
            if (error != null) {
                sb.append(",\"error\":");
                json(error, sb);
            }
            return sb.append('}').toString();
        }
        sb.append("level=").append(level.text()).append(" ts=").append(TS.format(ts)).append(" caller=");
        logfmt(caller, sb);
        sb.append(" message=");
        logfmt(message, sb);
        if (error != null) {
            sb.append(" error=");
            logfmt(error, sb);
        }
        return sb.toString();
    }

    private static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        return text.substring(0, MAX_TEXT) + "... (" + (text.length() - MAX_TEXT) + " more characters)";
    }

    /** The throwable and its causes in one line. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (sb.length() > 0) {
                sb.append(": caused by ");
            }
            sb.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
            if (sb.length() > 4000) {
                break;
            }
        }
        return sb.toString();
    }

    private static void logfmt(String s, StringBuilder sb) {
        if (s == null) {
            sb.append("\"\"");
            return;
        }
        boolean quote = s.isEmpty();
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f;
        }
        if (!quote) {
            sb.append(s);
            return;
        }
        sb.append('"');
        escape(s, sb);
        sb.append('"');
    }

    private static void json(String s, StringBuilder sb) {
        sb.append('"');
        escape(s == null ? "" : s, sb);
        sb.append('"');
    }

    private static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
