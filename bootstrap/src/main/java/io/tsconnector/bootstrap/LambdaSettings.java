package io.tsconnector.bootstrap;

import java.util.List;
import java.util.Map;

/**
 * Configuration on AWS Lambda: the options of the table ({@link Options}) that have a Lambda variable, read
 * from the function's environment (names are case-sensitive; a variable set to an empty value counts as not
 * set), with the same defaults, checks and error names as the flags.
 */
final class LambdaSettings {
    /** Every documented variable, in table order. */
    static final List<String> VARIABLES = Options.ALL.stream().filter(o -> !o.variables().isEmpty())
            .map(o -> o.variables().get(0)).toList();

    private LambdaSettings() {
    }

    /**
     * The settings the environment describes; validates every value.
     *
     * @throws IllegalArgumentException with one line naming the variable, starting with the documented error
     *         name where there is one (ParseEnableLoggingError, ParseMetricLabelError, ParseSampleOptionError)
     */
    static ConnectorSettings fromEnvironment(Map<String, String> env) {
        return Options.settings(OptionValues.lambda(env));
    }

    /** One line for the start-up log, naming the Lambda variables; empty ones are left out. */
    static String summary(ConnectorSettings s) {
        StringBuilder sb = new StringBuilder("storage=").append(s.storage().storage().text());
        switch (s.storage().storage()) {
            case TIMESTREAM -> sb.append(" region=").append(s.storage().region());
            case LOCAL -> sb.append(" local_path=").append(s.storage().localPath());
            case MEMORY -> { }
        }
        ConnectorSettings.appendIfSet(sb, "database_label", s.databaseLabel());
        ConnectorSettings.appendIfSet(sb, "table_label", s.tableLabel());
        ConnectorSettings.appendIfSet(sb, "default_database", s.defaultDatabase());
        ConnectorSettings.appendIfSet(sb, "default_table", s.defaultTable());
        return sb.toString();
    }
}
