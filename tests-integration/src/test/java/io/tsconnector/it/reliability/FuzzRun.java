package io.tsconnector.it.reliability;

import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import io.tsconnector.it.support.RemoteCalls;
import io.tsconnector.it.fake.FakeTimestreamEndpoint;
import io.tsconnector.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test harness of the fuzz: sends the requests of {@link FuzzRequests} one after another to a connector
 * while a thread polls {@code /-/healthy} and samples RSS, counts the connector's log bytes per request,
 * and collects every violation of the checks with the request that caused it.
 */
final class FuzzRun implements AutoCloseable {
    /** Bounds the checks use. */
    record Bounds(int answerMs, int healthMs, long logBytesPerRequest, long rssGrowthBytes) {
    }

    static final Bounds BOUNDS = new Bounds(Integer.getInteger("fuzz.answerMs", 10_000), 1_000,
            Long.getLong("fuzz.logBytesPerRequest", 16_384), Long.getLong("fuzz.rssGrowthBytes", 1L << 30));

    private final FuzzStores.Running store;
    private final CountingStream log = new CountingStream();
    private final PrintStream previousLog;
    private final Thread health;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong healthChecks = new AtomicLong();
    private final AtomicLong healthFailures = new AtomicLong();
    private final AtomicLong healthMaxNanos = new AtomicLong();
    private final AtomicLong rssMax = new AtomicLong();
    private final long rssStart;
    final Map<String, Long> statuses = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    final Map<String, Long> violationCounts = new TreeMap<>();
    long requests;
    /** Reads answered 503 because they ran into the connector's read limit, and the first few of them. */
    long readsStopped;
    final List<String> readsStoppedExamples = new ArrayList<>();
    long maxAnswerNanos;
    long maxLogBytes;
    String maxLogRequest = "";

    FuzzRun(FuzzStores.Running store) {
        this.store = store;
        this.previousLog = redirectLog(new PrintStream(log, true, StandardCharsets.UTF_8));
        this.rssStart = rss();
        this.health = new Thread(this::pollHealth, "fuzz-health");
        health.setDaemon(true);
        health.start();
    }

    int port() {
        return store.connector().port();
    }

    URI uri() {
        return store.connector().uri();
    }

    FakeTimestreamEndpoint fake() {
        return store.fake();
    }

    /** Sends one request and checks its answer; {@code storeFailing} allows a 503 (and only that 5xx). */
    RawHttp.Answer send(FuzzRequests.Request request, boolean storeFailing) {
        long logBefore = log.count.get();
        RawHttp.Answer a = RawHttp.exchange(port(), request.bytes(), BOUNDS.answerMs());
        long logBytes = log.count.get() - logBefore;
        requests++;
        String outcome = a.status() == RawHttp.NO_ANSWER ? "no answer" : a.status() == RawHttp.TIMEOUT ? "timeout"
                : Integer.toString(a.status());
        statuses.merge(outcome, 1L, Long::sum);
        maxAnswerNanos = Math.max(maxAnswerNanos, a.nanos());
        if (logBytes > maxLogBytes) {
            maxLogBytes = logBytes;
            maxLogRequest = request.description();
        }
        String what = request.description();
        boolean retryAfter = a.head().toLowerCase(java.util.Locale.ROOT).contains("\r\nretry-after:");
        // a read of more than the connector can answer within --read.timeout is stopped there: 503, as for a
        // store that timed out, and counted apart so a run shows how often it happened
        boolean stoppedRead = a.status() == 503 && retryAfter && a.bodyText().contains("(--read.timeout)");
        if (stoppedRead) {
            readsStopped++;
            if (readsStoppedExamples.size() < 3) {
                readsStoppedExamples.add("request " + requests + " (" + what + ") after " + a.nanos() / 1_000_000 + " ms");
            }
        }
        if (a.status() == RawHttp.TIMEOUT) {
            violation("no answer within " + BOUNDS.answerMs() + " ms", what, a);
        } else if (a.status() == RawHttp.NO_ANSWER && !request.framingBroken()) {
            violation("connection closed without an answer to a well-framed request", what, a);
        } else if (a.status() >= 500 && !(storeFailing && a.status() == 503) && !stoppedRead) {
            violation("5xx while the store works" + knownDefect(a), what, a);
        } else if (storeFailing && a.status() == 503 && !retryAfter) {
            violation("503 without Retry-After", what, a);
        } else if (request.valid() && !storeFailing && !stoppedRead && (a.status() < 200 || a.status() > 299)) {
            violation("a valid request was not accepted", what, a);
        } else if (request.mustBeRejected() && a.status() >= 200 && a.status() < 300) {
            violation("a body that is not a valid request was acknowledged" + (what.contains("WIRE_TYPE")
                    ? " [known defect K2: wrong wire type answered 2xx]" : ""), what, a);
        }
        if (logBytes > BOUNDS.logBytesPerRequest()) {
            violation(logBytes + " log bytes for one request (bound " + BOUNDS.logBytesPerRequest() + ")"
                    + " [known defect K3: logging per request not bounded]", what, a);
        }
        if (a.nanos() > BOUNDS.answerMs() * 1_000_000L) {
            violation("answered after " + a.nanos() / 1_000_000 + " ms (request " + requests + ", answer of "
                    + a.body().length + " bytes)", what, a);
        }
        return a;
    }

    private static String knownDefect(RawHttp.Answer a) {
        return a.status() == 500 && a.bodyText().contains("ArrayIndexOutOfBounds")
                ? " [known defect K1: 500 on a malformed Content-Type]" : "";
    }

    private void violation(String problem, String request, RawHttp.Answer a) {
        violationCounts.merge(problem.replaceAll("[0-9]+", "N"), 1L, Long::sum);
        if (violations.size() < 30) {
            violations.add(problem + " | request: " + request + " | answer: " + a.status() + " " + a.bodyText().replace('\n', ' '));
        } else if (violations.size() == 30) {
            violations.add("(more violations left out)");
        }
    }

    /** Checks of the whole run: health, RSS. */
    void finish() throws InterruptedException {
        stop.set(true);
        health.join(5_000);
        if (!violationCounts.isEmpty()) {
            violations.add(0, "violations by kind: " + violationCounts);
        }
        if (healthFailures.get() > 0 || healthMaxNanos.get() > BOUNDS.healthMs() * 1_000_000L) {
            violations.add("/-/healthy: " + healthFailures.get() + " of " + healthChecks.get() + " checks failed or took over "
                    + BOUNDS.healthMs() + " ms; slowest " + healthMaxNanos.get() / 1_000_000 + " ms");
        }
        long growth = rssMax.get() - rssStart;
        if (growth > BOUNDS.rssGrowthBytes()) {
            violations.add("RSS grew by " + (growth >> 20) + " MiB (bound " + (BOUNDS.rssGrowthBytes() >> 20) + " MiB)");
        }
    }

    String summary() {
        return String.format("%d requests; answers %s; slowest answer %d ms; reads stopped at the read limit %d%s; "
                        + "health %d checks, %d failed, slowest %d ms; "
                        + "RSS %d MiB at start, max %d MiB; log %d bytes in all, at most %d for one request (%s)",
                requests, statuses, maxAnswerNanos / 1_000_000, readsStopped,
                readsStoppedExamples.isEmpty() ? "" : " " + readsStoppedExamples, healthChecks.get(), healthFailures.get(),
                healthMaxNanos.get() / 1_000_000, rssStart >> 20, rssMax.get() >> 20, log.count.get(), maxLogBytes, maxLogRequest);
    }

    /** Posts a valid write v1 request through the regular client and demands 2xx. */
    void writeValid(WriteRequest request) {
        RemoteCalls.Answer a = RemoteCalls.write(uri(), request);
        if (a.status() / 100 != 2) {
            throw new AssertionError("a valid write was answered " + a.status() + ": " + a.text());
        }
    }

    /** What a remote read of {@code db.table} answers for every series of the given metric. */
    List<TimeSeries> readBack(String db, String table, String metric) {
        return RemoteCalls.samples(RemoteCalls.read(uri(), RemoteCalls.readRequest(List.of(SeriesQuery.of(
                FuzzRequests.NOW - 7_200_000, FuzzRequests.NOW + 3_600_000,
                Matcher.eq(FuzzStores.DATABASE_LABEL, db), Matcher.eq(FuzzStores.TABLE_LABEL, table),
                Matcher.eq("__name__", metric)))))).get(0);
    }

    private void pollHealth() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(uri().resolve("/-/healthy")).timeout(Duration.ofMillis(BOUNDS.healthMs())).build();
        while (!stop.get()) {
            long start = System.nanoTime();
            try {
                HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    healthFailures.incrementAndGet();
                }
            } catch (IOException e) {
                healthFailures.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            long took = System.nanoTime() - start;
            healthChecks.incrementAndGet();
            healthMaxNanos.accumulateAndGet(took, Math::max);
            rssMax.accumulateAndGet(rss(), Math::max);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** This process' resident set (the connector runs in it). */
    static long rss() {
        return Overload.rss(ProcessHandle.current().pid());
    }

    /** Points the connector's log at {@code stream}; returns the previous stream (System.err). */
    private static PrintStream redirectLog(PrintStream stream) {
        try {
            Method output = Class.forName("io.tsconnector.bootstrap.logging.ConnectorLoggerFinder").getDeclaredMethod("output", PrintStream.class);
            output.setAccessible(true); // package-private on purpose: only tests redirect the log
            output.invoke(null, stream);
            return System.err;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot capture the connector's log", e);
        }
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        redirectLog(previousLog);
        store.close();
    }

    /** Counts bytes and keeps the last few KiB, so a failure can show what was logged. */
    private static final class CountingStream extends OutputStream {
        final AtomicLong count = new AtomicLong();

        @Override
        public void write(int b) {
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count.addAndGet(len);
        }
    }
}
