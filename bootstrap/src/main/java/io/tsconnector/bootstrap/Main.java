package io.tsconnector.bootstrap;

import io.tsconnector.bootstrap.logging.ConnectorLoggerFinder;

import io.tsconnector.adapters.http.InboundSecurity;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** Entry point of the standalone connector: flags in, connector running until SIGTERM/SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs until stopped; returns the exit code (2 for bad flags, 1 when start-up fails, 0 after a clean stop). */
    static int run(String... args) {
        ConnectorSettings settings;
        int graceSeconds;
        Flags flags;
        try {
            flags = Flags.parse(args);
            if (flags.help) {
                System.out.print(Flags.usage());
                return 0;
            }
            settings = flags.toSettings();
            graceSeconds = flags.shutdownTimeoutSeconds();
        } catch (IllegalArgumentException e) {
            System.err.println("timestream-prometheus-connector: error: " + e.getMessage());
            return 2;
        }
        ConnectorLoggerFinder.configure(settings.log());
        System.Logger log = System.getLogger(Main.class.getName());
        CountDownLatch stopRequested = new CountDownLatch(1);
        boolean signalsHandled = handleStopSignals(stopRequested);
        Connector connector;
        InboundSecurity security;
        try {
            security = flags.toSecurity();
            connector = Connector.start(settings, security);
        } catch (RuntimeException e) {
            System.err.println("timestream-prometheus-connector: error: " + e.getMessage());
            return 1;
        }
        log.log(System.Logger.Level.INFO, "Timestream Prometheus connector started: " + settings.summary()
                + " tls=" + (security.tls() != null) + " basic-auth-users=" + (security.users() == null ? 0 : security.users().names().size())
                + " shutdown-timeout=" + graceSeconds + "s (listening on " + connector.uri().getScheme() + " port "
                + connector.port() + ")");
        Runnable shutdown = () -> {
            log.log(System.Logger.Level.INFO, "Shutting down: not ready, no new connections, finishing in-flight requests (up to "
                    + graceSeconds + "s)");
            connector.markNotReady();
            connector.stop(graceSeconds);
            log.log(System.Logger.Level.INFO, "Stopped");
        };
        if (!signalsHandled) {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shutdown.run();
                stopped.countDown();
            }, "shutdown"));
            awaitUninterruptibly(stopped);
            return 0;
        }
        awaitUninterruptibly(stopRequested);
        shutdown.run();
        return 0;
    }

    /**
     * Turns SIGTERM and SIGINT into a request the main thread drains before exiting with 0: a shutdown hook
     * would drain too, but the JVM would then exit with 143, which orchestrators report as a failure.
     * Returns false where the JVM does not let us handle them (e.g. {@code -Xrs}).
     */
    private static boolean handleStopSignals(CountDownLatch stopRequested) {
        try {
            Signal.handle(new Signal("TERM"), s -> stopRequested.countDown());
            Signal.handle(new Signal("INT"), s -> stopRequested.countDown());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // only a signal ends the wait
            }
        }
    }
}
