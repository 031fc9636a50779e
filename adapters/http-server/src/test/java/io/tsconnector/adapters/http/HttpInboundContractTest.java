package io.tsconnector.adapters.http;

import io.tsconnector.adapters.protocol.MemoryWiring;
import io.tsconnector.adapters.protocol.contract.InboundContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The inbound contract over a real HTTP server on port 0, spoken to over a plain socket byte for byte. */
class HttpInboundContractTest extends InboundContract {
    @Override
    protected Answer send(MemoryWiring wiring, Case c) throws Exception {
        try (ConnectorHttpServer server = MemoryBackedServer.start(wiring, InboundSecurity.NONE);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            return RawHttp.exchange(socket, c.method(), c.path(), c.headers(), c.body(),
                    c.body().length > LIMITS.maxBodyBytes());
        }
    }

    /** A minimal HTTP/1.1 client over a socket: sends exactly the given headers, reads one answer. */
    static final class RawHttp {
        private RawHttp() {
        }

        static Answer exchange(Socket socket, String method, String path, Map<String, String> headers, byte[] body,
                               boolean chunked) throws IOException {
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            boolean declared = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Length"));
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else if (!declared && (body.length > 0 || method.equals("POST"))) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else if (!declared) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream(), method.equals("HEAD"));
        }

        static Answer read(InputStream in, boolean head) throws IOException {
            String status = line(in);
            int code = Integer.parseInt(status.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
            }
            Map<String, String> lower = new LinkedHashMap<>();
            headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (head || code == 204 || code == 304) {
                return new Answer(code, headers, body.toByteArray());
            }
            if ("chunked".equalsIgnoreCase(lower.get("transfer-encoding"))) {
                for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                    body.write(in.readNBytes(n));
                    line(in);
                }
                line(in);
            } else if (lower.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(lower.get("content-length"))));
            }
            return new Answer(code, headers, body.toByteArray());
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed after: " + b);
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }
    }
}
