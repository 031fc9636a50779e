package io.tsconnector.bootstrap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration: the texts given for the options of {@link Options}, from the command line or from the
 * Lambda environment, each with the spelling it was given under so that an error names what the user wrote.
 * Values are parsed when read, so a wrong one fails with the option's own message.
 */
final class OptionValues {
    /** A text and the spelling it was given under, e.g. {@code --enable-logging} or {@code enable_logging}. */
    record Given(String text, String spelling) {
    }

    private final boolean lambda;
    private final Map<Option<?>, Given> given = new LinkedHashMap<>();

    private OptionValues(boolean lambda) {
        this.lambda = lambda;
    }

    static OptionValues commandLine() {
        return new OptionValues(false);
    }

    /**
     * The options the environment sets: for each option its variables are read in order (the documented one
     * first, then old spellings); names are case-sensitive and an empty value counts as not set.
     */
    static OptionValues lambda(Map<String, String> env) {
        OptionValues values = new OptionValues(true);
        for (Option<?> option : Options.ALL) {
            for (String variable : option.variables()) {
                String text = env.get(variable);
                if (text != null && !text.isEmpty()) {
                    values.given.put(option, new Given(text, variable));
                    break;
                }
            }
        }
        return values;
    }

    /** Records a text given on the command line; a later one wins, as for repeated flags in Prometheus' parser. */
    void put(Option<?> option, String text, String spelling) {
        given.put(option, new Given(text, spelling));
    }

    boolean isSet(Option<?> option) {
        return given.containsKey(option);
    }

    /** The parsed value: the given text, else the default for where the connector runs. */
    <T> T get(Option<T> option) {
        Given g = given.get(option);
        if (g != null) {
            return option.parser().parse(g.text(), g.spelling());
        }
        String text = lambda && option.lambdaDefault() != null ? option.lambdaDefault() : option.defaultValue();
        return option.parser().parse(text, option.displayName(lambda));
    }
}
