package io.tsconnector.bootstrap;

import java.util.concurrent.CountDownLatch;

/** Entry point of the standalone connector: flags in, connector running until SIGTERM/SIGINT. */
public final class Main {
    private static final int SHUTDOWN_GRACE_SECONDS = 10;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs until stopped; returns the exit code (2 for bad flags, 1 when start-up fails). */
    static int run(String... args) {
        ConnectorSettings settings;
        try {
            Flags flags = Flags.parse(args);
            if (flags.help) {
                System.out.print(Flags.usage());
                return 0;
            }
            settings = flags.toSettings();
        } catch (IllegalArgumentException e) {
            System.err.println("timestream-prometheus-connector: error: " + e.getMessage());
            return 2;
        }
        ConnectorLoggerFinder.configure(settings.log());
        System.Logger log = System.getLogger(Main.class.getName());
        Connector connector;
        try {
            connector = Connector.start(settings);
        } catch (RuntimeException e) {
            System.err.println("timestream-prometheus-connector: error: " + e.getMessage());
            return 1;
        }
        log.log(System.Logger.Level.INFO, "Timestream Prometheus connector started: " + settings.summary()
                + " (listening on port " + connector.port() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.log(System.Logger.Level.INFO, "Shutting down: finishing in-flight requests (up to "
                    + SHUTDOWN_GRACE_SECONDS + "s)");
            connector.markNotReady();
            connector.stop(SHUTDOWN_GRACE_SECONDS);
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
