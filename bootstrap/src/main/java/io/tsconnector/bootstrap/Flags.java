package io.tsconnector.bootstrap;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameterized;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.WrappedParameter;
import io.tsconnector.adapters.http.BasicAuthUsers;
import io.tsconnector.adapters.http.InboundSecurity;
import io.tsconnector.adapters.http.PemTls;
import io.tsconnector.bootstrap.webconfig.WebConfigFile;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Command-line flags of the standalone connector. JCommander parses them, with its parameters built from the
 * option table ({@link Options}) rather than from annotated fields: each spelling of each option becomes one
 * JCommander parameter that records the text it was given, so the table is the only definition.
 */
final class Flags {
    static final String PROGRAM = "timestream-prometheus-connector";

    private final OptionValues values;

    private Flags(OptionValues values) {
        this.values = values;
    }

    OptionValues values() {
        return values;
    }

    boolean help() {
        return values.get(Options.HELP);
    }

    boolean version() {
        return values.get(Options.VERSION);
    }

    /**
     * Parses the arguments ({@code --name=value} or {@code --name value}; a repeated flag takes its last value).
     *
     * @throws IllegalArgumentException with one line saying what is wrong, e.g. {@code unknown flag '--x', try --help}
     */
    static Flags parse(String... args) {
        OptionValues values = OptionValues.commandLine();
        Sink sink = new Sink(values);
        JCommander jc = new JCommander();
        jc.setProgramName(PROGRAM);
        jc.setAllowParameterOverwriting(true);
        jc.setParameterizedParser(object -> object == sink ? sink.parameters() : List.of());
        jc.addObject(sink);
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!sink.strays.isEmpty()) {
            String stray = sink.strays.get(0);
            if (stray.startsWith("-")) {
                int eq = stray.indexOf('=');
                throw new IllegalArgumentException("unknown flag '" + (eq < 0 ? stray : stray.substring(0, eq)) + "', try --help");
            }
            throw new IllegalArgumentException("unexpected argument '" + stray + "', try --help");
        }
        return new Flags(values);
    }

    /** The settings these flags describe; validates every value. */
    ConnectorSettings toSettings() {
        return Options.settings(values);
    }

    /** {@code --web.shutdown-timeout} in whole seconds. */
    int shutdownTimeoutSeconds() {
        return values.get(Options.SHUTDOWN_TIMEOUT);
    }

    /**
     * The TLS and authentication the flags ask for; reads the files they name.
     *
     * @throws IllegalArgumentException one line naming the file or flag that is wrong
     */
    InboundSecurity toSecurity() {
        String certificate = values.get(Options.TLS_CERT_FILE);
        String key = values.get(Options.TLS_KEY_FILE);
        String webConfigFile = values.get(Options.WEB_CONFIG_FILE);
        if (certificate.isEmpty() != key.isEmpty()) {
            throw new IllegalArgumentException("--web.tls-cert-file and --web.tls-key-file (--tls-certificate and --tls-key) "
                    + "must be given together");
        }
        WebConfigFile web = webConfigFile.isEmpty() ? null : WebConfigFile.read(Path.of(webConfigFile));
        if (web != null && web.hasTls() && !certificate.isEmpty()) {
            throw new IllegalArgumentException("TLS is configured twice: use either --web.tls-cert-file/--web.tls-key-file "
                    + "or tls_server_config in " + webConfigFile);
        }
        SSLContext tls = null;
        if (!certificate.isEmpty()) {
            tls = PemTls.load(Path.of(certificate), Path.of(key));
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

    /** The object JCommander fills: every spelling of every flag, and the arguments no flag took. */
    @Parameters(separators = "=")
    static final class Sink {
        /** Only there to give JCommander a field; the values go to {@link OptionValues}. */
        @SuppressWarnings("unused")
        private String unused;
        private final OptionValues values;
        private final List<String> strays = new ArrayList<>();

        Sink(OptionValues values) {
            this.values = values;
        }

        List<Parameterized> parameters() {
            List<Parameterized> list = new ArrayList<>();
            for (Option<?> option : Options.ALL) {
                for (String spelling : option.flagSpellings()) {
                    list.add(new TableParameter(annotation(new String[] {spelling}, option.help()), field(),
                            option.isSwitch() ? Boolean.class : String.class) {
                        @Override
                        public void set(Object object, Object value) {
                            values.put(option, String.valueOf(value), spelling);
                        }

                        @Override
                        public Object get(Object object) {
                            return option.isSwitch() ? Boolean.FALSE : null;
                        }
                    });
                }
            }
            // Arguments that are not flags: without somewhere to go JCommander would answer "Was passed main
            // parameter ... but no main parameter was defined in your arg class".
            list.add(new TableParameter(annotation(new String[0], "arguments"), field(), List.class) {
                @Override
                public void set(Object object, Object value) {
                    // the list is ours already
                }

                @Override
                public Object get(Object object) {
                    return strays;
                }
            });
            return list;
        }

        private static Field field() {
            try {
                return Sink.class.getDeclaredField("unused");
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A JCommander parameter that is not a field: identity equality, since every one shares the placeholder
     * field, and the type given rather than the field's.
     */
    private abstract static class TableParameter extends Parameterized {
        private final Class<?> type;

        TableParameter(Parameter annotation, Field field, Class<?> type) {
            super(new WrappedParameter(annotation), null, field, null);
            this.type = type;
        }

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public Type getGenericType() {
            return type;
        }

        @Override
        public Type findFieldGenericType() {
            return type == List.class ? String.class : null;
        }

        @Override
        public String getName() {
            return getParameter().names().length == 0 ? "arguments" : getParameter().names()[0];
        }

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A {@link Parameter} annotation made at run time: the given names and description, defaults otherwise. */
    private static Parameter annotation(String[] names, String description) {
        return (Parameter) Proxy.newProxyInstance(Parameter.class.getClassLoader(), new Class<?>[] {Parameter.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "names" -> names.clone();
                    case "description" -> description;
                    case "annotationType" -> Parameter.class;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "@Parameter(" + String.join(",", names) + ")";
                    default -> method.getDefaultValue();
                });
    }
}
