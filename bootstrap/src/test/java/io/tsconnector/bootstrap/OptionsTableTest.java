package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The option table is the only definition of the options: every spelling of a flag and every Lambda variable
 * lands on its table entry, both front ends parse and validate alike, and the README's table is the one the
 * table generates.
 */
class OptionsTableTest {
    /** The seed connector's flags and Lambda variables (its README), and the ones this connector added before. */
    private static final List<String> OLD_FLAGS = List.of("--database-label", "--table-label", "--region",
            "--web.listen-address", "--web.telemetry-path", "--max-retries", "--enable-logging", "--fail-on-long-label",
            "--fail-on-invalid-sample-value", "--fail-on-invalid-sample", "--log.level", "--log.format",
            "--default-database", "--default-table", "--max-read-retries", "--max-write-retries", "--write.concurrency",
            "--write-base-endpoint", "--query-base-endpoint", "--local.path", "--local.create-tables", "--storage",
            "--tls-certificate", "--tls-key", "--web.config.file", "--web.shutdown-timeout", "--web.max-request-bytes",
            "--read.max-samples", "--help", "-h");
    private static final List<String> OLD_VARIABLES = List.of("database_label", "table_label", "region", "max_retries",
            "enable_logging", "fail_on_long_label", "fail_on_invalid_sample_value", "log_level", "log_format",
            "default_database", "default_table", "max_read_retries", "max_write_retries", "write_concurrency",
            "write_base_endpoint", "query_base_endpoint", "local_path", "local_create_tables", "storage");

    @Test
    void everyOldFlagSpellingAndVariableIsStillAnOption() {
        Set<String> spellings = new HashSet<>();
        Set<String> variables = new HashSet<>();
        Options.ALL.forEach(o -> {
            spellings.addAll(o.flagSpellings());
            variables.addAll(o.variables());
        });
        OLD_FLAGS.forEach(f -> assertTrue(spellings.contains(f), f));
        OLD_VARIABLES.forEach(v -> assertTrue(variables.contains(v), v));
    }

    @Test
    void everySpellingAndVariableLandsOnItsOwnEntry() {
        for (Option<?> o : Options.ALL) {
            for (String spelling : o.flagSpellings()) {
                OptionValues v = Flags.parse(o.isSwitch() ? new String[] {spelling} : new String[] {spelling + "=x"}).values();
                assertTrue(v.isSet(o), spelling);
                Options.ALL.stream().filter(other -> other != o).forEach(other -> assertTrue(!v.isSet(other), spelling));
            }
            for (String variable : o.variables()) {
                OptionValues v = OptionValues.lambda(Map.of(variable, "x"));
                assertTrue(v.isSet(o), variable);
                assertEquals(1, Options.ALL.stream().filter(v::isSet).count(), variable);
            }
        }
    }

    @Test
    void noSpellingOrVariableIsUsedTwice() {
        List<String> names = new ArrayList<>();
        Options.ALL.forEach(o -> {
            names.addAll(o.flagSpellings());
            names.addAll(o.variables());
        });
        assertEquals(names.size(), new HashSet<>(names).size(), names.toString());
    }

    @Test
    void theDefaultsAreValidAndTheSameOnBothPathsButWhereTheTableSaysOtherwise() {
        ConnectorSettings flags = Flags.parse().toSettings();
        ConnectorSettings lambda = LambdaSettings.fromEnvironment(Map.of());
        assertEquals(flags.withStorage(flags.storage().withLocalPath(Options.LOCAL_PATH.lambdaDefault())), lambda);
        assertEquals("./data", flags.storage().localPath());
    }

    /** The first documented variable, else an old one, is read; the documented one wins when both are set. */
    @Test
    void aDocumentedVariableWinsOverItsOldSpelling() {
        assertEquals(7, LambdaSettings.fromEnvironment(Map.of("max_read_retries", "7", "max_retries", "5"))
                .storage().maxReadRetries());
        assertEquals(5, LambdaSettings.fromEnvironment(Map.of("max_retries", "5")).storage().maxReadRetries());
    }

    /** The same text is accepted or refused alike on both paths, with the same message but for the name. */
    @ParameterizedTest
    @ValueSource(strings = {"yes", "true", "-1", "0", "12", "x y", "nohost", "https://h.example", "/p", ":1", "json", "debug"})
    void bothPathsAcceptAndRefuseAlike(String text) {
        for (Option<?> o : Options.ALL) {
            if (o.name() == null || o.variables().isEmpty()) {
                continue;
            }
            String flag = o.flagSpellings().get(0);
            String variable = o.variables().get(0);
            String viaFlag = outcome(() -> Flags.parse(flag + "=" + text).toSettings());
            String viaLambda = outcome(() -> LambdaSettings.fromEnvironment(Map.of(variable, text)));
            if (o == Options.LOCAL_PATH && viaFlag.equals("ok")) {
                continue; // the defaults differ, which the test above covers
            }
            assertEquals(viaFlag, viaLambda.replace(variable, flag), o.name() + "=" + text);
        }
    }

    private static String outcome(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void theReadmeTableIsTheOneTheTableGenerates() throws IOException {
        Path readme = Path.of("").toAbsolutePath().getParent().resolve("README.md");
        String text = Files.readString(readme);
        int begin = text.indexOf(OptionsHelp.README_BEGIN);
        int end = text.indexOf(OptionsHelp.README_END);
        assertTrue(begin >= 0 && end > begin, "the README holds the marked options table");
        assertEquals(OptionsHelp.readmeTable(), text.substring(begin, end + OptionsHelp.README_END.length() + 1),
                "README.md's options table is out of date: replace it with the output of "
                        + "java -cp bootstrap/target/timestream-prometheus-connector.jar io.tsconnector.bootstrap.OptionsHelp > table.md");
    }
}
