package io.tsconnector.bootstrap;

import io.tsconnector.domain.ErrorName;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration: one option of the connector, defined once: its flag and the old spellings still accepted,
 * its Lambda environment variable, default, parser (which validates), help text and group. {@link Options}
 * holds the table; the flags, the Lambda settings, {@code --help} and the README's table are all read from it.
 *
 * @param name the flag without {@code --}, in the Prometheus style {@code group.name}; null for an option that
 *        exists only on Lambda
 * @param aliases old flag spellings, still accepted, hidden from {@code --help}
 * @param variables the Lambda environment variables, the documented one first (later ones are old spellings
 *        read when the first is not set); empty for an option that does not apply on Lambda
 * @param defaultValue the default as a user would write it, parsed like a given value; "" for none
 * @param lambdaDefault the default on Lambda where it differs, else null
 * @param defaultText how the documentation shows an empty default, e.g. "discovered"; null for "none"
 */
record Option<T>(String name, List<String> aliases, List<String> variables, Group group, String defaultValue,
                 String lambdaDefault, String defaultText, String help, Parser<T> parser) {

    /** The groups of {@code --help} and of the README's table, in their order. */
    enum Group {
        GENERAL("Flags"), WEB("Web"), LOGGING("Logging"), STORAGE("Storage"), TIMESTREAM("Timestream"),
        INFLUXDB("InfluxDB"), LOCAL("Local"), LIMITS("Limits"), CACHES("Caches");

        final String title;

        Group(String title) {
            this.title = title;
        }
    }

    Option {
        Objects.requireNonNull(group);
        Objects.requireNonNull(parser);
        aliases = List.copyOf(aliases);
        variables = List.copyOf(variables);
        if (name == null && variables.isEmpty()) {
            throw new IllegalArgumentException("an option needs a flag or a Lambda variable");
        }
    }

    /** Starts an option with its flag name, e.g. {@code option("web.listen-address", Parser.LISTEN_ADDRESS)}. */
    static <T> Builder<T> flag(String name, Parser<T> parser) {
        return new Builder<>(name, parser);
    }

    /** Starts an option that exists only on Lambda. */
    static <T> Builder<T> lambdaOnly(String variable, Parser<T> parser) {
        return new Builder<T>(null, parser).variable(variable);
    }

    /** Every flag spelling with its dashes ({@code --name}, {@code -h}), the documented one first. */
    List<String> flagSpellings() {
        if (name == null) {
            return List.of();
        }
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(name), aliases.stream())
                .map(n -> (n.length() == 1 ? "-" : "--") + n).toList();
    }

    boolean isSwitch() {
        return parser.placeholder() == null;
    }

    /** The name a message uses for this option when nothing was given, e.g. {@code --web.listen-address}. */
    String displayName(boolean lambda) {
        return name == null || (lambda && !variables.isEmpty()) ? variables.get(0) : "--" + name;
    }

    /** Builds an {@link Option} one property at a time, so that each table entry reads as a sentence. */
    static final class Builder<T> {
        private final String name;
        private final Parser<T> parser;
        private List<String> aliases = List.of();
        private List<String> variables = List.of();
        private Group group = Group.GENERAL;
        private String defaultValue = "";
        private String lambdaDefault;
        private String defaultText;

        private Builder(String name, Parser<T> parser) {
            this.name = name;
            this.parser = parser;
        }

        Builder<T> aliases(String... names) {
            this.aliases = List.of(names);
            return this;
        }

        Builder<T> variable(String... names) {
            this.variables = List.of(names);
            return this;
        }

        Builder<T> group(Group g) {
            this.group = g;
            return this;
        }

        Builder<T> defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        Builder<T> lambdaDefault(String value) {
            this.lambdaDefault = value;
            return this;
        }

        /** How an empty default is documented, e.g. "discovered". */
        Builder<T> defaultText(String text) {
            this.defaultText = text;
            return this;
        }

        Option<T> help(String text) {
            return new Option<>(name, aliases, variables, group, defaultValue, lambdaDefault, defaultText, text, parser);
        }
    }

    /**
     * Turns the text of an option into its value, naming the option as the user wrote it when the text is wrong.
     *
     * @param placeholder how {@code --help} shows a value, e.g. {@code URL}; null for a switch that takes none
     */
    record Parser<T>(String placeholder, String accepted, Parse<T> parse) {
        /** The parsing function; throws IllegalArgumentException with one line naming {@code name}. */
        @FunctionalInterface
        interface Parse<T> {
            T apply(String value, String name);
        }

        T parse(String value, String name) {
            return parse.apply(value, name);
        }

        /** The values Go's strconv.ParseBool accepts, which the seed's options accept. */
        static final List<String> TRUE_VALUES = List.of("1", "t", "T", "TRUE", "true", "True");
        static final List<String> FALSE_VALUES = List.of("0", "f", "F", "FALSE", "false", "False");

        static final Parser<String> TEXT = new Parser<>("STRING", null, (v, n) -> v);
        static final Parser<String> LABEL = new Parser<>("LABEL", null, (v, n) -> v);
        static final Parser<String> NAME = new Parser<>("NAME", null, (v, n) -> v);
        static final Parser<String> PATH = new Parser<>("PATH", null, (v, n) -> v);
        static final Parser<Boolean> SWITCH = new Parser<>(null, null, (v, n) -> Boolean.parseBoolean(v));
        static final Parser<URI> URL = new Parser<>("URL", null, Parser::url);
        static final Parser<InetSocketAddress> LISTEN_ADDRESS = new Parser<>("[HOST]:PORT", null, Parser::listenAddress);
        static final Parser<Integer> DURATION_SECONDS = new Parser<>("DURATION", null,
                Parser::durationSeconds);
        static final Parser<String> TELEMETRY_PATH = new Parser<>("PATH", null, (v, n) -> {
            if (!v.startsWith("/") || v.equals("/write") || v.equals("/read")) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': must start with '/' and differ from /write and /read");
            }
            return v;
        });

        /** A Go-style boolean; anything else fails with {@code error}'s name when the seed documents one. */
        static Parser<Boolean> bool(ErrorName error) {
            String accepted = String.join(", ", TRUE_VALUES) + ", " + String.join(", ", FALSE_VALUES);
            return new Parser<>("BOOL", accepted, (v, n) -> {
                if (TRUE_VALUES.contains(v)) {
                    return true;
                }
                if (FALSE_VALUES.contains(v)) {
                    return false;
                }
                throw new IllegalArgumentException((error == null ? "" : error.text() + ": ") + "invalid value '" + v
                        + "' for " + n + ": accepted values are " + accepted);
            });
        }

        static Parser<Integer> integer(int min) {
            return new Parser<>("INT", min + " or more", (v, n) -> (int) whole(v, n, min, Integer.MAX_VALUE));
        }

        static Parser<Long> longInteger(long min) {
            return new Parser<>("INT", min + " or more", (v, n) -> whole(v, n, min, Long.MAX_VALUE));
        }

        /** One of the given texts, case-sensitive, mapped by {@code parse}. */
        static <E> Parser<E> choice(List<String> values, Function<String, E> parse) {
            Set<String> allowed = Set.copyOf(values);
            String accepted = String.join(", ", values);
            return new Parser<>(String.join("|", values), accepted, (v, n) -> {
                if (!allowed.contains(v)) {
                    throw new IllegalArgumentException("invalid value '" + v + "' for " + n + ": accepted values are " + accepted);
                }
                return parse.apply(v);
            });
        }

        static <E extends Enum<E>> Parser<E> lowerCaseEnum(Class<E> type) {
            List<String> names = Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList();
            return choice(names, v -> Enum.valueOf(type, v.toUpperCase(java.util.Locale.ROOT)));
        }

        private static long whole(String v, String n, long min, long max) {
            long x;
            try {
                x = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': expected a whole number");
            }
            if (x < min) {
                throw new IllegalArgumentException("invalid " + n + " " + x + ": must be " + min + " or more");
            }
            if (x > max) {
                throw new IllegalArgumentException("invalid " + n + " " + x + ": must be at most " + max);
            }
            return x;
        }

        /** An endpoint URI with scheme and host, or null for an empty value. */
        private static URI url(String v, String n) {
            if (v.isBlank()) {
                return null;
            }
            try {
                URI uri = new URI(v.trim());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException("invalid " + n + " '" + v + "': expected a URL like https://host");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': " + e.getMessage(), e);
            }
        }

        /** {@code [host]:port}; an empty host listens on every interface. */
        private static InetSocketAddress listenAddress(String v, String n) {
            int colon = v.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': expected [host]:port, e.g. :9201");
            }
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(v.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': the port is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': port out of range");
            }
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        }

        private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

        /** Whole seconds of {@code 10s}, {@code 1m}, {@code 500ms} (rounded up) or plain seconds, at most 1h. */
        private static int durationSeconds(String v, String n) {
            Matcher m = DURATION.matcher(v.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': expected a duration such as 10s, 1m or 500ms");
            }
            long x = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            long seconds = switch (unit) {
                case "ms" -> (x + 999) / 1000;
                case "m" -> x * 60;
                default -> x;
            };
            if (seconds > 3600) {
                throw new IllegalArgumentException("invalid " + n + " '" + v + "': at most 1h");
            }
            return (int) seconds;
        }
    }
}
