package io.tsconnector.adapters.influxdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.ReadDeadline;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * The InfluxDB v1 HTTP API on the JDK's HTTP clients ({@link HttpClient} for writes, {@link HttpURLConnection}
 * for queries): {@code POST /write} and {@code POST /query}, with retries
 * (exponential backoff with jitter) of 429, 5xx and network errors, and the translation of everything
 * else into the application's never-retry exceptions. One instance serves all threads.
 */
public final class InfluxHttp {
    private static final System.Logger LOG = System.getLogger(InfluxHttp.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A ping for the version waits at most this long (and never past a read's deadline). */
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final long BACKOFF_BASE_MS = 25;
    private static final long BACKOFF_MAX_MS = 2_000;
    private static final int MAX_ERROR_TEXT = 1_000;
    static final String MESSAGE_PACK = "application/x-msgpack";
    private static final Pattern NOT_FOUND = Pattern.compile("(?i)(database|retention policy|bucket) not found");
    /** Closes the connections of queries whose read deadline has passed. */
    private static final ScheduledThreadPoolExecutor DEADLINES = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "influxdb-read-deadlines");
        t.setDaemon(true);
        return t;
    });

    static {
        // a query that ends in time takes its timer out of the queue at once
        DEADLINES.setRemoveOnCancelPolicy(true);
    }

    private final InfluxSettings settings;
    private final HttpClient client;
    private final String base;
    private final URL queryUrl;
    private final SSLSocketFactory tlsSockets;
    private final InfluxCallObserver observer;

    public InfluxHttp(InfluxSettings settings) {
        this(settings, InfluxCallObserver.NONE);
    }

    public InfluxHttp(InfluxSettings settings, InfluxCallObserver observer) {
        this(settings, observer, defaultTls());
    }

    /** With the TLS context that checks an https InfluxDB's certificate (else the JDK's default, its trust store). */
    public InfluxHttp(InfluxSettings settings, InfluxCallObserver observer, SSLContext tls) {
        this.settings = settings;
        this.observer = observer;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(tls).build();
        this.tlsSockets = tls.getSocketFactory();
        String u = settings.url().toString();
        this.base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        try {
            this.queryUrl = URI.create(base + "/query").toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException("not a URL for InfluxDB: " + base, e);
        }
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    InfluxSettings settings() {
        return settings;
    }

    /**
     * What InfluxDB answered to a write that was not retried away: its status, its error text for a message
     * (cut at {@value #MAX_ERROR_TEXT} characters) and the whole error text, which names every refused line.
     */
    record WriteAnswer(int status, String error, String fullError, int refusedLine) {
    }

    /** The version the last answer that named one gave ({@code X-Influxdb-Version}), or null before any. */
    private volatile String knownVersion;

    /** When {@code /ping} was last asked for the version (nanoTime), 0 never. */
    private volatile long pinged;
    private static final long PING_EVERY_NANOS = 60_000_000_000L;
    private final AtomicBoolean rpWarned = new AtomicBoolean();

    /**
     * The server's version as its answers name it (InfluxDB 1.x and 2.x name it in every answer, InfluxDB 3 in
     * none to {@code /query} and {@code /write}, only to {@code /ping}), or null when no answer has named one yet.
     */
    String knownVersion() {
        return knownVersion;
    }

    /**
     * The server's version: as an answer named it, else as {@code GET /ping} names it (asked at most once a
     * minute while unknown; a failed ping leaves it unknown), or null.
     */
    String version() {
        return version(ReadDeadline.NONE);
    }

    /** {@link #version()}, its ping bounded by the deadline. */
    String version(ReadDeadline deadline) {
        String v = knownVersion;
        long now = System.nanoTime();
        if (v != null || pinged != 0 && now - pinged < PING_EVERY_NANOS) {
            return v;
        }
        Duration wait = deadline.remainingOr(PING_TIMEOUT);
        wait = wait.compareTo(PING_TIMEOUT) > 0 ? PING_TIMEOUT : wait;
        if (wait.isZero() || wait.isNegative()) {
            return null;
        }
        pinged = now == 0 ? 1 : now;
        try {
            HttpResponse<Void> r = client.send(request(URI.create(base + "/ping")).timeout(wait).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            saw(r.headers().firstValue("X-Influxdb-Version").orElse(null));
        } catch (IOException e) {
            // unknown for now: asked again later
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return knownVersion;
    }

    /** Whether a version is InfluxDB 3's ({@code 3.x}, as its {@code /ping} names it). */
    static boolean isInfluxDb3(String version) {
        return version != null && (version.startsWith("3.") || version.startsWith("v3."));
    }

    /**
     * Takes the version an answer names. An answer of {@code /query} or {@code /write} that names none is not
     * InfluxDB 1.x's or 2.x's (they name it in every answer): a version of theirs known before is forgotten, as
     * after the server behind the URL was replaced, and is asked of {@code /ping} again.
     */
    private void saw(String version) {
        if (version != null && !version.isBlank()) {
            if (!version.equals(knownVersion)) {
                knownVersion = version;
            }
        } else if (knownVersion != null && !isInfluxDb3(knownVersion)) {
            knownVersion = null;
            pinged = 0;
        }
    }

    /**
     * Sends line protocol; retries 429, 5xx and network errors; returns the answer of any other status.
     *
     * @throws RetryLaterException when the retries are spent
     */
    WriteAnswer write(String database, byte[] body, int offset, int length, boolean gzip, String what) {
        URI uri = URI.create(base + "/write?db=" + encode(database) + rp() + "&precision=ms");
        HttpRequest.Builder b = request(uri).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, offset, length));
        if (gzip) {
            b.header("Content-Encoding", "gzip");
        }
        HttpRequest request = b.build();
        HttpResponse<String> r = withRetries("write", settings.maxWriteRetries(), what, ReadDeadline.NONE,
                () -> client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)),
                HttpResponse::statusCode, ignored -> { });
        saw(r.headers().firstValue("X-Influxdb-Version").orElse(null));
        if (r.statusCode() / 100 == 2) {
            return new WriteAnswer(r.statusCode(), null, null, -1);
        }
        String full = fullErrorText(r.body(), r.headers().firstValue("X-Influxdb-Error").orElse(null));
        return new WriteAnswer(r.statusCode(), cut(full), full, refusedLine(r.body()));
    }

    /**
     * Runs InfluxQL (one statement or several) with a chunked answer and hands the open body to the reader;
     * retries 429, 5xx and network errors before the body is handed over. Returns the server's version as
     * its answer names it ({@code X-Influxdb-Version}), or null.
     */
    String query(String database, String influxQl, String what, BodyReader reader) {
        return query(database, influxQl, what, ReadDeadline.NONE, false, reader);
    }

    /**
     * A query under a read deadline: no socket wait is longer than the time left (nor than
     * {@code --influxdb.timeout}), and once the deadline passes the connection is closed, also in the middle of
     * the answer, which makes InfluxDB stop the query. With {@code messagePack} the answer is asked for in
     * MessagePack (InfluxDB 1.x and 2.x); the reader is told which format came back. An interrupted thread stops
     * reading at the next block of the answer and closes the connection.
     *
     * <p>Queries go out on {@link HttpURLConnection}, read on the calling thread: a remote read is a few large
     * answers, and the JDK's asynchronous {@link HttpClient} hands every block of them from its selector thread
     * to the reading thread, which cost the connector about as much CPU as parsing them.
     */
    String query(String database, String influxQl, String what, ReadDeadline deadline, boolean messagePack,
                 BodyReader reader) {
        deadline.check("before " + what);
        byte[] form = ("db=" + encode(database) + rp() + "&epoch=ms&chunked=true&chunk_size=10000&q=" + encode(influxQl))
                .getBytes(StandardCharsets.UTF_8);
        Duration limit = deadline.remainingOr(settings.timeout());
        if (deadline.isBounded() && limit.isZero()) {
            throw deadline.exceeded("before " + what, null);
        }
        boolean limitedByDeadline = limit.compareTo(settings.timeout()) < 0;
        Cut cut = new Cut(deadline);
        try {
            HttpURLConnection c;
            try {
                c = openQuery(form, messagePack, limit, what, deadline, cut);
            } catch (RetryLaterException e) {
                // a socket timeout set from the deadline may fire just before the deadline's clock says it passed
                if (deadline.passed() || limitedByDeadline && e.getCause() instanceof SocketTimeoutException) {
                    throw deadline.exceeded("waiting for " + what, e);
                }
                throw e;
            }
            return answer(c, what, deadline, reader);
        } finally {
            cut.cancel();
        }
    }

    /** Reads the answer of an open query: a 200's body into the reader, else the error it names. */
    private String answer(HttpURLConnection c, String what, ReadDeadline deadline, BodyReader reader) {
        boolean done = false;
        try {
            int status = c.getResponseCode();
            String type = c.getHeaderField("Content-Type");
            boolean answeredMessagePack = type != null && type.regionMatches(true, 0, MESSAGE_PACK, 0, MESSAGE_PACK.length());
            if (status == 200) {
                try (InputStream body = new StoppableStream(c.getInputStream(), deadline, what)) {
                    reader.read(body, answeredMessagePack);
                }
                done = true;
                String version = c.getHeaderField("X-Influxdb-Version");
                saw(version);
                return version;
            }
            InputStream error = c.getErrorStream();
            byte[] start = error == null ? new byte[0] : error.readNBytes(MAX_ERROR_TEXT * 4);
            String text = errorText(answeredMessagePack ? messagePackError(start) : new String(start, StandardCharsets.UTF_8),
                    c.getHeaderField("X-Influxdb-Error"));
            throw translate(what, status, text);
        } catch (IOException e) {
            if (deadline.passed()) {
                throw deadline.exceeded("while " + what + " was answering", e);
            }
            // the answer broke off while it was read: the query may succeed again
            throw new RetryLaterException(what + " failed while reading the answer: " + describe(e), e);
        } finally {
            if (!done) {
                // an answer not read to its end: closing the connection makes InfluxDB stop the query
                c.disconnect();
            }
        }
    }

    /**
     * Sends a query, again after a network error or a 429/5xx answer while retries are left and the deadline
     * has not passed; returns the connection of the last answer, its status read.
     */
    private HttpURLConnection openQuery(byte[] form, boolean messagePack, Duration limit, String what,
                                        ReadDeadline deadline, Cut cut) {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit.toMillis()));
        return withRetries("query", settings.maxReadRetries(), what, deadline,
                () -> sendQuery(form, messagePack, ms, cut), InfluxHttp::status, HttpURLConnection::disconnect);
    }

    /** One attempt of a query, up to its answer's status; the connection is closed when the attempt fails. */
    private HttpURLConnection sendQuery(byte[] form, boolean messagePack, int timeoutMs, Cut cut)
            throws IOException, InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        HttpURLConnection c = (HttpURLConnection) queryUrl.openConnection(Proxy.NO_PROXY);
        try {
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tlsSockets);
            }
            cut.watch(c);
            c.setConnectTimeout((int) Math.min(timeoutMs, CONNECT_TIMEOUT.toMillis()));
            c.setReadTimeout(timeoutMs);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(form.length);
            c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            c.setRequestProperty("Accept", messagePack ? MESSAGE_PACK : "application/json");
            String auth = settings.credentials().authorization();
            if (auth != null) {
                c.setRequestProperty("Authorization", auth);
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(form);
            }
            c.getResponseCode();
            return c;
        } catch (IOException e) {
            c.disconnect();
            throw e;
        }
    }

    /** The status of a connection whose answer has arrived (it is kept: no further I/O). */
    private static int status(HttpURLConnection c) {
        try {
            return c.getResponseCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the connection of a query when its deadline passes, so a socket wait ends there too. */
    private static final class Cut implements Runnable {
        private final ScheduledFuture<?> timer;
        private volatile HttpURLConnection connection;
        private volatile boolean fired;

        Cut(ReadDeadline deadline) {
            this.timer = deadline.isBounded()
                    ? DEADLINES.schedule(this, deadline.remainingOr(null).toNanos(), TimeUnit.NANOSECONDS) : null;
        }

        void watch(HttpURLConnection c) {
            connection = c;
            if (fired) {
                c.disconnect();
            }
        }

        @Override
        public void run() {
            fired = true;
            HttpURLConnection c = connection;
            if (c != null) {
                c.disconnect();
            }
        }

        void cancel() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /**
     * An answer body that ends the read with the deadline's error once it has passed, and with an
     * {@link InterruptedIOException} once the reading thread is interrupted.
     */
    private static final class StoppableStream extends java.io.FilterInputStream {
        private final ReadDeadline deadline;
        private final String what;

        StoppableStream(InputStream in, ReadDeadline deadline, String what) {
            super(in);
            this.deadline = deadline;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            check();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            return super.read(b, off, len);
        }

        private void check() throws InterruptedIOException {
            if (deadline.passed()) {
                throw deadline.exceeded("while " + what + " was answering", null);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException(what + " was interrupted");
            }
        }
    }

    /** One attempt of a call: its answer, or the network error that ended it. */
    @FunctionalInterface
    private interface Attempt<T> {
        T send() throws IOException, InterruptedException;
    }

    /**
     * Makes a call, again after a network error or a 429/5xx answer (which {@code discard} lets go) while retries
     * are left and the deadline has not passed; returns the last answer. The observer gets the time until then,
     * which for a query is the time to the first byte of its answer.
     *
     * @throws RetryLaterException when the retries are spent on network errors, or the thread is interrupted
     */
    private <T> T withRetries(String operation, int retries, String what, ReadDeadline deadline, Attempt<T> attempt,
                              ToIntFunction<T> status, Consumer<T> discard) {
        long start = System.nanoTime();
        try {
            for (int n = 0; ; n++) {
                if (n > 0) {
                    observer.retried(operation);
                }
                T r;
                try {
                    r = attempt.send();
                } catch (IOException e) {
                    if (n < retries && !deadline.passed()) {
                        backoff(n);
                        continue;
                    }
                    throw new RetryLaterException(what + " failed: " + describe(e), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RetryLaterException(what + " was interrupted", e);
                }
                int code = status.applyAsInt(r);
                if (code == 429) {
                    observer.throttled(operation);
                }
                if (retryable(code) && n < retries && !deadline.passed()) {
                    discard.accept(r);
                    backoff(n);
                    continue;
                }
                return r;
            }
        } finally {
            observer.called(operation, System.nanoTime() - start);
        }
    }

    /** Reads an open 200 answer of {@code /query}, in MessagePack or else JSON. */
    @FunctionalInterface
    interface BodyReader {
        void read(InputStream body, boolean messagePack) throws IOException;
    }

    /**
     * The text of an error answer in MessagePack ({@code {"error": "..."}}, as InfluxDB writes its errors in the
     * format asked for), or the bytes as text when they are not that.
     */
    static String messagePackError(byte[] body) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(body)) {
            if (u.getNextFormat().getValueType() == ValueType.MAP) {
                for (int n = u.unpackMapHeader(); n > 0; n--) {
                    String key = u.unpackString();
                    if (key.equals("error") && u.getNextFormat().getValueType() == ValueType.STRING) {
                        return u.unpackString();
                    }
                    u.skipValue();
                }
            }
        } catch (IOException | MessagePackException e) {
            // not an error document: the bytes as they are
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.timeout());
        String auth = settings.credentials().authorization();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return b;
    }

    /**
     * The {@code rp} parameter, when a retention policy is set and the server is not InfluxDB 3: InfluxDB 3 has
     * none, and would write into a database named {@code <db>/<rp>} while its queries read {@code db}.
     */
    private String rp() {
        String rp = settings.retentionPolicy();
        if (rp == null) {
            return "";
        }
        if (isInfluxDb3(version())) {
            if (rpWarned.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "InfluxDB " + knownVersion + " has no retention policies: "
                        + "--influxdb.retention-policy=" + rp + " is not sent (InfluxDB 3 would write into a database "
                        + "named <db>/" + rp + " and read <db>)");
            }
            return "";
        }
        return "&rp=" + encode(rp);
    }

    static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    /** InfluxDB 2 hides the mappings of buckets a token may not use: "not found" then means no permission too. */
    private static final String MAPPING_HINT = " (InfluxDB 2 and Timestream for InfluxDB answer so also for a token "
            + "that may not read and write the bucket the database is mapped to)";

    /** The exception for a final non-2xx status of any call, other than a partial write or a 413 on a write. */
    static StorageException translate(String what, int status, String error) {
        String message = what + " failed: InfluxDB answered " + status + (error == null ? "" : ": " + error);
        if (status == 401 || status == 403) {
            return new NeverRetryException(NeverRetryException.Kind.ACCESS_DENIED, message);
        }
        if (status == 404 || (status == 400 && error != null && NOT_FOUND.matcher(error).find())) {
            return new NeverRetryException(NeverRetryException.Kind.NOT_FOUND, message + MAPPING_HINT);
        }
        if (retryable(status)) {
            return new RetryLaterException(message);
        }
        return new NeverRetryException(NeverRetryException.Kind.INVALID, message);
    }

    /** The exception for an error InfluxDB reported inside a 200 answer of {@code /query}. */
    static StorageException queryError(String what, String error) {
        String message = what + " failed: " + error;
        if (NOT_FOUND.matcher(error).find()) {
            return new NeverRetryException(NeverRetryException.Kind.NOT_FOUND, message + MAPPING_HINT);
        }
        if (error.contains("max-select-series limit exceeded")) {
            // Timestream for InfluxDB's parameter influxqlMaxSelectSeries (influxd's max-select-series)
            return new NeverRetryException(NeverRetryException.Kind.INVALID, message + " (the server's limit of series a "
                    + "SELECT may read, influxqlMaxSelectSeries on Timestream for InfluxDB, must be 0 or at least the "
                    + "number of series one remote-read query selects)");
        }
        // InfluxDB 3 runs out of query memory as "Resources exhausted": the same query may pass later
        if (error.contains("timeout") || error.contains("max concurrent queries") || error.contains("Resources exhausted")) {
            return new RetryLaterException(message);
        }
        return new NeverRetryException(NeverRetryException.Kind.INVALID, message);
    }

    /** The error text of an answer, cut at {@value #MAX_ERROR_TEXT} characters for a message. */
    static String errorText(String body, String header) {
        return cut(fullErrorText(body, header));
    }

    /**
     * The whole error text of an answer: the header InfluxDB 1.x sets, else the {@code error} member of a JSON
     * body (1.x, and InfluxDB 3), else the {@code message} member (InfluxDB 2's {@code {"code","message"}}, with
     * the code when the message is empty), else the body as it is.
     */
    static String fullErrorText(String body, String header) {
        String text = header != null && !header.isBlank() ? header : body;
        if (text == null || text.isBlank()) {
            return null;
        }
        text = text.strip();
        if (text.startsWith("{")) {
            String member = jsonErrorMember(text);
            if (member != null && !member.isBlank()) {
                return member;
            }
        }
        return text;
    }

    private static final JsonFactory ERROR_JSON = new JsonFactory();

    /**
     * The text of an error document's {@code error} member (with the {@code error_message} and
     * {@code line_number} of its {@code data}, as InfluxDB 3 names a line it could not parse), else its
     * {@code message} (else its {@code code}), or null.
     */
    private static String jsonErrorMember(String text) {
        ErrorDocument d = errorDocument(text);
        if (d == null) {
            return null;
        }
        if (d.error != null && !d.error.isBlank()) {
            if (d.dataMessage != null) {
                return d.error + ": " + d.dataMessage + (d.line > 0 ? " (line " + d.line + " of the request)" : "");
            }
            return d.error;
        }
        if (d.message != null && !d.message.isBlank()) {
            return d.message;
        }
        return d.code;
    }

    /**
     * The line (from 1) that an InfluxDB 3 write answer names as one it could not parse ({@code data.line_number};
     * it then stored nothing of the request), or -1.
     */
    static int refusedLine(String body) {
        ErrorDocument d = body == null || !body.strip().startsWith("{") ? null : errorDocument(body);
        return d == null || d.line > Integer.MAX_VALUE || d.dataMessage == null ? -1 : (int) d.line;
    }

    /** The members of an error document that name what went wrong. */
    private static final class ErrorDocument {
        String error;
        String message;
        String code;
        String dataMessage;
        long line = -1;
    }

    private static ErrorDocument errorDocument(String text) {
        ErrorDocument d = new ErrorDocument();
        try (JsonParser p = ERROR_JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    switch (name) {
                        case "error" -> d.error = p.getText();
                        case "message" -> d.message = p.getText();
                        case "code" -> d.code = p.getText();
                        default -> { }
                    }
                } else if (name.equals("data") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String member = p.currentName();
                        JsonToken v = p.nextToken();
                        if (member.equals("error_message") && v == JsonToken.VALUE_STRING) {
                            d.dataMessage = p.getText();
                        } else if (member.equals("line_number") && v == JsonToken.VALUE_NUMBER_INT) {
                            d.line = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null; // not a JSON document: the text as it is
        }
        return d;
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void backoff(int attempt) {
        long cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS << Math.min(attempt, 16));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLaterException("interrupted while waiting to retry", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
