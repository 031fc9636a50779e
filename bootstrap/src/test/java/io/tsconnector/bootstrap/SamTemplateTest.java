package io.tsconnector.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SAM template at the repository root: authorization on by default, each authentication choice valid
 * for cfn-lint (when it is installed; the structure is checked here either way), arm64 offered.
 */
class SamTemplateTest {
    private static final Path TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("template.yaml");

    private static String template() throws IOException {
        return Files.readString(TEMPLATE);
    }

    /** The block of one top-level parameter, up to the next one. */
    private static String parameter(String text, String name) {
        Matcher m = Pattern.compile("(?ms)^  " + name + ":\n(.*?)(?=^  \\S|^\\S)").matcher(text);
        assertTrue(m.find(), "parameter " + name);
        return m.group(1);
    }

    @Test
    void authenticationIsOnByDefaultWithThreeExplicitChoices() throws IOException {
        String auth = parameter(template(), "Authentication");
        assertTrue(auth.contains("AllowedValues: [iam, basic, none]"), auth);
        Matcher d = Pattern.compile("Default: (\\S+)").matcher(auth);
        assertTrue(d.find(), auth);
        assertNotEquals("none", d.group(1));
    }

    @Test
    void theRoutesFollowTheChoiceAndTheFunctionGetsTheUsers() throws IOException {
        String text = template();
        assertEquals(2, count(text, "AuthorizationType: !If [UseIam, AWS_IAM, NONE]"), "both routes");
        assertEquals(2, count(text, "RouteKey: POST /"), "only /write and /read are routed");
        assertTrue(text.contains("basic_auth_users: !If"), "the function reads the users with Authentication=basic");
        assertTrue(text.contains("{{resolve:secretsmanager:${BasicAuthUsersSecret}:SecretString}}"));
        assertTrue(text.contains("{{resolve:ssm:${BasicAuthUsersParameter}}}"));
        assertTrue(text.contains("RuleCondition: !Equals [!Ref Authentication, basic]"), "basic without users is refused");
        assertTrue(parameter(text, "BasicAuthUsers").contains("NoEcho: true"));
        assertTrue(Options.BASIC_AUTH_USERS.variables().contains("basic_auth_users"));
    }

    @Test
    void arm64IsOffered() throws IOException {
        String text = template();
        assertTrue(parameter(text, "Architecture").contains("AllowedValues: [arm64, x86_64]"));
        assertTrue(text.contains("Architectures: [!Ref Architecture]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iam", "basic", "none"})
    void cfnLintPassesForEachChoice(String authentication) throws Exception {
        assumeTrue(onPath("cfn-lint"), "cfn-lint is not installed (it is not a Debian package); structure checked above");
        for (String architecture : List.of("arm64", "x86_64")) {
            Process p = new ProcessBuilder("cfn-lint", TEMPLATE.toString(), "--parameters",
                    "Authentication=" + authentication, "Architecture=" + architecture,
                    "BasicAuthUsers=alice:$2y$10$Kq3m8Yb1cV0x2Zr7tLp9UezZrtybthfCqkgC5MiSAV5vW.aKzdVLy")
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cfn-lint finishes");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), authentication + "/" + architecture + ":\n" + out);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
