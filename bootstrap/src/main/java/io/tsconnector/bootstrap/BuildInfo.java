package io.tsconnector.bootstrap;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build is: version, git revision and build date, written into {@code build-info.properties} by
 * the Maven build ({@code unknown} where git or the file is absent), plus the Java version running it.
 */
record BuildInfo(String version, String revision, String branch, String buildDate, String javaVersion) {
    static final String RESOURCE = "/io/tsconnector/bootstrap/build-info.properties";
    static final BuildInfo CURRENT = load();

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a build without the file still runs; it reports itself as unknown
        }
        return new BuildInfo(known(p, "version"), known(p, "revision"), known(p, "branch"), known(p, "buildDate"),
                System.getProperty("java.version", "unknown"));
    }

    /** A value the build wrote; {@code unknown} for a missing one or an unset {@code ${...}} property. */
    private static String known(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    /** The {@code --version} text, in the layout of Prometheus' own. */
    String versionText() {
        return Flags.PROGRAM + ", version " + version + " (branch: " + branch + ", revision: " + revision + ")\n"
                + "  build date:       " + buildDate + "\n"
                + "  java version:     " + javaVersion + "\n";
    }

    /** {@code timestream_connector_build_info{version, revision, branch, javaversion} 1}, as Prometheus exporters do. */
    void register(CollectorRegistry registry) {
        Gauge.build("timestream_connector_build_info",
                        "A metric with a constant '1' value labeled by version, revision, branch and javaversion from which "
                                + "the connector was built.")
                .labelNames("version", "revision", "branch", "javaversion").register(registry)
                .labels(version, revision, branch, javaVersion).set(1);
    }
}
