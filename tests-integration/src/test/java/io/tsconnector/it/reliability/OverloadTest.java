package io.tsconnector.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Short form of {@link OverloadBenchmark} for CI: 150 clients offer 10x the sustainable rate for 10 s. What
 * must hold whatever the overload policy: the connector lives, everything answered 2xx is stored, latency is
 * back to normal within 5 s. The assertions marked K7 are the overload behaviour the issue asks of the inbound
 * modules (503 with Retry-After instead of resets or timeouts, health within 1 s) and fail until it is in.
 */
class OverloadTest {
    @Test
    void overloadIsAnsweredAndNothingAcknowledgedIsLost() throws Exception {
        Overload.Options o = Overload.Options.fromProperties(new Overload.Options(150, 10, 8, 5, 10, 50, 10, 20));
        Overload.Result r = Overload.run(o, System.out);
        r.print(System.out);
        assertTrue(r.aliveAfter(), "the connector process lives");
        assertTrue(r.ok() > 0, "some writes were accepted");
        assertEquals(0, r.missingAckedSamples(), "every sample answered 2xx is stored");
        assertTrue(r.recoveryMs() >= 0 && r.recoveryMs() <= 5_000, "latency back to normal within 5 s: " + r.recoveryMs() + " ms");
        List<String> k7 = new ArrayList<>();
        if (r.resets() + r.timeouts() > 0) {
            k7.add(r.resets() + " resets and " + r.timeouts() + " timeouts; want 0 (2xx or 503)");
        }
        if (r.other() > 0 || r.status503WithoutRetryAfter() > 0) {
            k7.add(r.other() + " answers neither 2xx nor 503, " + r.status503WithoutRetryAfter() + " 503 without Retry-After");
        }
        if (r.healthFailures() > 0) {
            k7.add("/-/healthy failed or took over 1 s " + r.healthFailures() + " of " + r.healthChecks() + " times");
        }
        if (r.p99Ms() > 2_000 && r.status503() == 0) {
            k7.add("p99 " + r.p99Ms() + " ms without any 503: requests queue instead of being refused");
        }
        assertTrue(k7.isEmpty(), "[known defect K7: overload answered with resets/queueing, not 503] " + k7);
    }

    @Test
    void theMeasuredJvmFlagsAreTheReadmeCommands() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        String command = "java " + String.join(" ", Overload.JVM_FLAGS) + " -jar bootstrap/target/timestream-prometheus-connector.jar";
        assertTrue(readme.contains(command), "README.md runs the connector as the overload runs measure it: " + command);
    }
}
