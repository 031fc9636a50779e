package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
    /** Exit code, stdout and stderr of one run of {@code Main}. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void badFlagStopsStartUpWithOneLineAndNoStackTrace() {
        Run r = run("--enable-logging=maybe");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("ParseEnableLoggingError"), r.err());
        assertTrue(r.err().contains("--enable-logging"), "names the flag as it was written: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--web.listen-adress=:9300|unknown flag '--web.listen-adress', try --help",
        "--x|unknown flag '--x', try --help",
        "-x|unknown flag '-x', try --help",
        "9201|unexpected argument '9201', try --help",
    })
    void unknownFlagsAreNamedAsPrometheusDoes(String arg, String expected) {
        Run r = run(arg);
        assertEquals(2, r.code());
        assertEquals("timestream-prometheus-connector: error: " + expected, r.err().strip());
    }

    @Test
    void helpIsGroupedWithRealDefaultsAndHidesOldSpellings() {
        Run r = run("--help");
        assertEquals(0, r.code());
        String usage = r.out();
        int last = -1;
        for (String group : List.of("Flags:", "Web:", "Logging:", "Storage:", "Timestream:", "Local:", "Limits:")) {
            int at = usage.indexOf("\n" + group + "\n");
            assertTrue(at > last, group + " in order in\n" + usage);
            last = at;
        }
        assertFalse(usage.contains("<empty string>"), usage);
        assertTrue(usage.contains("--timestream.max-read-retries=\"3\""), usage);
        assertTrue(usage.contains("--web.listen-address=\":9201\""), usage);
        assertTrue(usage.contains("--storage.database-label=LABEL"), usage);
        for (Option<?> o : Options.ALL) {
            for (String spelling : o.flagSpellings()) {
                boolean documented = spelling.equals(o.flagSpellings().get(0));
                assertEquals(documented, usage.contains("  " + spelling + (o.isSwitch() ? "\n" : "=")), spelling);
            }
        }
        assertEquals(r.out(), run("-h").out());
    }

    @Test
    void versionNamesTheBuild() {
        Run r = run("--version");
        assertEquals(0, r.code());
        BuildInfo b = BuildInfo.CURRENT;
        assertTrue(r.out().startsWith("timestream-prometheus-connector, version " + b.version() + " (branch: "), r.out());
        assertTrue(r.out().contains("revision: " + b.revision()), r.out());
        assertTrue(r.out().contains("java version:     " + System.getProperty("java.version")), r.out());
        assertFalse(b.version().equals("unknown"), "the Maven build fills in the version");
    }
}
