package io.tsconnector.it.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Test client: one HTTP/1.1 exchange over a fresh socket with the request bytes exactly as given (so
 * methods, header framing and Content-Length can be wrong on purpose), the output half-closed after the
 * request so a body shorter than declared ends instead of stalling.
 */
final class RawHttp {
    /** What came back: a status, or {@link #NO_ANSWER} (closed or reset before a status line), or {@link #TIMEOUT}. */
    record Answer(int status, String head, byte[] body, long nanos) {
        boolean answered() {
            return status > 0;
        }

        String bodyText() {
            return new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        }
    }

    static final int NO_ANSWER = -1;
    static final int TIMEOUT = -2;
    private static final int MAX_BODY = 64 << 20;

    private RawHttp() {
    }

    static Answer exchange(int port, byte[] request, int timeoutMs) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
                s.shutdownOutput();
            } catch (IOException serverClosedEarly) {
                // an early answer (e.g. 413 before the body) may still be readable
            }
            return read(s.getInputStream(), start, startsWith(request, "HEAD "));
        } catch (SocketTimeoutException e) {
            return new Answer(TIMEOUT, "", new byte[0], System.nanoTime() - start);
        } catch (IOException e) {
            return new Answer(NO_ANSWER, e.toString(), new byte[0], System.nanoTime() - start);
        }
    }

    private static boolean startsWith(byte[] request, String prefix) {
        return request.length >= prefix.length()
                && new String(request, 0, prefix.length(), StandardCharsets.ISO_8859_1).equals(prefix);
    }

    /**
     * The answer; a HEAD answer has no body (RFC 9110), and a connection cut while the body is read (the server
     * closes a connection whose request body it did not read, which can reset it) still gives the status.
     */
    private static Answer read(InputStream in, long start, boolean headRequest) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                break;
            }
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        if (b < 0 || !headText.startsWith("HTTP/1.")) {
            return new Answer(NO_ANSWER, headText, new byte[0], System.nanoTime() - start);
        }
        int status = Integer.parseInt(headText.substring(9, 12));
        String lower = headText.toLowerCase(java.util.Locale.ROOT);
        byte[] body = new byte[0];
        int cl = lower.indexOf("\r\ncontent-length:");
        try {
            if (headRequest) {
                body = new byte[0];
            } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
                body = chunked(in);
            } else if (cl >= 0) {
                int end = lower.indexOf("\r\n", cl + 2);
                long n = Long.parseLong(lower.substring(cl + 17, end).trim());
                body = in.readNBytes((int) Math.min(n, MAX_BODY));
            } else {
                body = in.readNBytes(MAX_BODY);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException cutWhileReadingTheBody) {
            // the status and headers arrived: that is the answer
        }
        return new Answer(status, headText, body, System.nanoTime() - start);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            int semi = line.indexOf(";");
            String size = (semi >= 0 ? line.substring(0, semi) : line.toString()).trim();
            if (c < 0 || size.isEmpty()) {
                return out.toByteArray();
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0 || out.size() + n > MAX_BODY) {
                return out.toByteArray();
            }
            out.writeBytes(in.readNBytes(n));
            in.read();
            in.read();
        }
    }

    /** A request: request line, headers in order, a blank line, the body. */
    static byte[] request(String method, String path, java.util.List<String[]> headers, byte[] body) {
        StringBuilder sb = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        sb.append("\r\n");
        byte[] headBytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }
}
