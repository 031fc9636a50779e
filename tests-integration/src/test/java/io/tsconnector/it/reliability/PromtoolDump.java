package io.tsconnector.it.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: runs {@code promtool tsdb dump} on a stopped Prometheus' data directory and parses its lines
 * ({@code {a="b", c="d"} VALUE TIMESTAMP}, labels quoted as Go's strconv.Quote does, values in Go's %g).
 */
final class PromtoolDump {
    private PromtoolDump() {
    }

    /** {@code promtool} next to the prometheus binary, else the one on PATH. */
    static Path promtool(Path prometheus) {
        Path sibling = prometheus.resolveSibling("promtool");
        if (Files.isExecutable(sibling)) {
            return sibling;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool is neither next to " + prometheus + " nor on PATH");
    }

    /**
     * Every sample of the TSDB in {@code dataDir} with a timestamp in [{@code fromMs}, {@code toMs}] and a finite
     * value: series key (see {@link #key}) to timestamp to the value's bits.
     */
    static Map<String, Map<Long, Long>> finiteSamples(Path promtool, Path dataDir, Path scratch, long fromMs, long toMs)
            throws IOException, InterruptedException {
        Path out = scratch.resolve("tsdb-dump.txt");
        Path err = scratch.resolve("tsdb-dump.err");
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "dump", dataDir.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool tsdb dump did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("promtool tsdb dump exited with " + p.exitValue() + ": " + Files.readString(err));
        }
        Map<String, Map<Long, Long>> samples = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                int end = line.lastIndexOf('}');
                String[] rest = line.substring(end + 1).trim().split(" ");
                double value = goFloat(rest[0]);
                long t = Long.parseLong(rest[1]);
                if (Double.isFinite(value) && t >= fromMs && t <= toMs) {
                    samples.computeIfAbsent(key(labels(line.substring(0, end + 1))), k -> new HashMap<>())
                            .put(t, Double.doubleToRawLongBits(value));
                }
            }
        }
        return samples;
    }

    /** A value as Go's %g prints it: digits, exponents, {@code +Inf}, {@code -Inf}, {@code NaN}. */
    static double goFloat(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    /** A series key independent of label order: sorted {@code name=value} pairs joined by NUL. */
    static String key(Map<String, String> labels) {
        List<String> pairs = new ArrayList<>();
        labels.forEach((n, v) -> pairs.add(n + "=" + v));
        Collections.sort(pairs);
        return String.join("\u0000", pairs);
    }

    /** Parses {@code {a="b", c="d"}}. */
    static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        int i = 1;
        while (i < text.length() && text.charAt(i) != '}') {
            int eq = text.indexOf('=', i);
            String name = text.substring(i, eq);
            StringBuilder value = new StringBuilder();
            i = unquote(text, eq + 1, value);
            labels.put(name, value.toString());
            if (text.startsWith(", ", i)) {
                i += 2;
            }
        }
        return labels;
    }

    /** Reads the Go-quoted string starting at {@code text[at]} into {@code out}; returns the index after it. */
    static int unquote(String text, int at, StringBuilder out) {
        if (text.charAt(at) != '"') {
            throw new IllegalArgumentException("expected a quoted value at " + at + " of " + text);
        }
        int i = at + 1;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        while (text.charAt(i) != '"') {
            char c = text.charAt(i++);
            if (c != '\\') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char e = text.charAt(i++);
            switch (e) {
                case 'a' -> bytes.write(7);
                case 'b' -> bytes.write('\b');
                case 'f' -> bytes.write('\f');
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                case 'v' -> bytes.write(11);
                case 'x' -> {
                    bytes.write(Integer.parseInt(text.substring(i, i + 2), 16));
                    i += 2;
                }
                case 'u' -> {
                    bytes.writeBytes(new String(Character.toChars(Integer.parseInt(text.substring(i, i + 4), 16)))
                            .getBytes(StandardCharsets.UTF_8));
                    i += 4;
                }
                case 'U' -> {
                    bytes.writeBytes(new String(Character.toChars(Integer.parseInt(text.substring(i, i + 8), 16)))
                            .getBytes(StandardCharsets.UTF_8));
                    i += 8;
                }
                default -> bytes.write(e); // \\ and \"
            }
        }
        out.append(bytes.toString(StandardCharsets.UTF_8));
        return i + 1;
    }
}
