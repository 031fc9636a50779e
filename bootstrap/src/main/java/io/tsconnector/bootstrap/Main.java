package io.tsconnector.bootstrap;

import io.tsconnector.adapters.http.InboundSecurity;
import io.tsconnector.bootstrap.logging.ConnectorLoggerFinder;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Entry point of the standalone connector: flags in, connector running until SIGTERM/SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs until stopped; returns the exit code: 2 for bad flags (as Prometheus), 1 when start-up fails, 0 after a
     * clean stop, {@code --help} or {@code --version}; for {@code --health-check} 0 when healthy, else 1.
     */
    static int run(String... args) {
        ConnectorSettings settings;
        int graceSeconds;
        Flags flags;
        try {
            flags = Flags.parse(args);
            if (flags.help()) {
                System.out.print(OptionsHelp.usage());
                return 0;
            }
            if (flags.version()) {
                System.out.print(BuildInfo.CURRENT.versionText());
                return 0;
            }
            if (flags.values().isSet(Options.HEALTH_CHECK)) {
                return HealthCheck.run(flags.values().get(Options.HEALTH_CHECK), System.out, System.err);
            }
            settings = flags.toSettings();
            graceSeconds = flags.shutdownTimeoutSeconds();
        } catch (IllegalArgumentException e) {
            System.err.println(Flags.PROGRAM + ": error: " + e.getMessage());
            return 2;
        }
        ConnectorLoggerFinder.configure(settings.log());
        System.Logger log = System.getLogger(Main.class.getName());
        CountDownLatch stopRequested = new CountDownLatch(1);
        String signals = handleStopSignals(stopRequested, log);
        if (!signals.isEmpty()) {
            log.log(System.Logger.Level.WARNING, signals);
        }
        Connector connector;
        InboundSecurity security;
        try {
            security = flags.toSecurity();
            connector = Connector.start(settings, security);
        } catch (RuntimeException e) {
            System.err.println(Flags.PROGRAM + ": error: " + e.getMessage());
            return 1;
        }
        BuildInfo build = BuildInfo.CURRENT;
        log.log(System.Logger.Level.INFO, "Timestream Prometheus connector started: version=" + build.version()
                + " revision=" + build.revision() + " java=" + build.javaVersion() + " " + settings.summary()
                + (security.tls() != null ? " tls=true" : "")
                + (security.users() == null ? "" : " basic-auth-users=" + security.users().names().size())
                + " shutdown-timeout=" + graceSeconds + "s (" + connector.uri().getScheme() + " port " + connector.port() + ")");
        Runnable shutdown = () -> {
            log.log(System.Logger.Level.INFO, "Shutting down: not ready, no new connections, finishing in-flight requests (up to "
                    + graceSeconds + "s)");
            connector.markNotReady();
            connector.stop(graceSeconds);
            log.log(System.Logger.Level.INFO, "Stopped");
        };
        if (signals.startsWith(NOT_HANDLED)) {
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

    private static final String NOT_HANDLED = "Stop signals are not handled";

    /**
     * Turns SIGTERM and SIGINT into a request the main thread drains before exiting with 0: a shutdown hook
     * would drain too, but the JVM would then exit with 143, which orchestrators report as a failure.
     * A SIGINT inherited as ignored is reset to its default first (see InheritedSigint).
     * Returns "" when both are handled, else the warning to log.
     */
    static String handleStopSignals(CountDownLatch stopRequested, System.Logger log) {
        try {
            SignalHandler stop = s -> stopRequested.countDown();
            Signal.handle(new Signal("TERM"), stop);
            Signal sigint = new Signal("INT");
            if (Signal.handle(sigint, stop) != SignalHandler.SIG_IGN) {
                return "";
            }
            // HotSpot installs no handler for a SIGINT the process inherited as ignored (a JVM started with '&'
            // from a non-interactive script): once the disposition is the default again, registering works.
            String notReset = InheritedSigint.resetToDefault();
            if (notReset == null) {
                if (Signal.handle(sigint, stop) != SignalHandler.SIG_IGN) {
                    log.log(System.Logger.Level.DEBUG, "SIGINT was ignored when the process began: reset to its "
                            + "default, so Ctrl-C and kill -INT stop the connector");
                    return "";
                }
                notReset = "it stayed ignored after the reset";
            }
            return "SIGINT was already ignored when the process began (run in the background by a script?), so Ctrl-C "
                    + "and kill -INT do nothing: " + notReset + ". Stop it with SIGTERM (kill), or start it with "
                    + "'env --default-signal=INT java -jar ...' (GNU coreutils 8.31 or later) or job control ('set -m') "
                    + "in the script";
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return NOT_HANDLED + " (" + e.getMessage() + "): stopping through the JVM's shutdown hook";
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
