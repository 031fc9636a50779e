package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void badFlagStopsStartUpWithOneLineAndNoStackTrace() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("--enable-logging=maybe");
        } finally {
            System.setErr(original);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code);
        assertEquals(1, text.strip().lines().count(), text);
        assertTrue(text.contains("ParseEnableLoggingError"), text);
        assertFalse(text.contains("\tat "), text);
    }

    @Test
    void helpPrintsEveryFlag() {
        String usage = Flags.usage();
        for (String flag : new String[] {"--database-label", "--table-label", "--region", "--web.listen-address",
            "--web.telemetry-path", "--max-retries", "--enable-logging", "--fail-on-long-label",
            "--fail-on-invalid-sample-value", "--log.level", "--log.format", "--default-database", "--default-table",
            "--storage"}) {
            assertTrue(usage.contains(flag), flag);
        }
    }
}
