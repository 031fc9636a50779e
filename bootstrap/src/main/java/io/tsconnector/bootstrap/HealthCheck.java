package io.tsconnector.bootstrap;

import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The {@code --health-check=URL} mode: one GET, exit code 0 for a 2xx answer and 1 otherwise, so a container
 * image without curl can still have a HEALTHCHECK ({@code java -jar ... --health-check=http://127.0.0.1:9201/-/healthy}).
 */
final class HealthCheck {
    private static final int TIMEOUT_MILLIS = 5_000;

    private HealthCheck() {
    }

    static int run(URI url, PrintStream out, PrintStream err) {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            err.println(Flags.PROGRAM + ": health check: only http and https URLs: " + url);
            return 1;
        }
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) url.toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            c.setInstanceFollowRedirects(false);
            int status = c.getResponseCode();
            boolean healthy = status >= 200 && status < 300;
            (healthy ? out : err).println(url + ": " + status);
            return healthy ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println(url + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            return 1;
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }
}
