package io.tsconnector.adapters.timestream;

import io.tsconnector.domain.Labels;
import io.tsconnector.domain.SampleValidator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;

/**
 * The record attributes of one series, prepared once and reused for every sample of it: dimensions (the
 * labels except {@code __name__}, in label order) and measure name, as WriteRecords JSON fragments, as SDK
 * model objects, and with the sizes Timestream meters them at (UTF-8 bytes of names and values).
 */
final class SeriesParts {
    private static final String INSTANCE = "instance";
    private static final String JOB = "job";

    final String metricName;
    /** The measure name as a JSON string literal, quotes included. */
    final byte[] measureNameJson;
    final int measureNameBytes;
    final String[] dimNames;
    final String[] dimValues;
    /**
     * The dimensions as {@code {"Name":..,"Value":..}} objects joined by commas, in one array, so a record's
     * dimensions are copied as a few ranges of one array; dimension {@code d} is the bytes from
     * {@code dimAt[d]} up to {@code dimAt[d + 1] - 1} (the comma after it excluded).
     */
    final byte[] dimsJson;
    final int[] dimAt;
    /** {@code hashCode()} of each dimension name, side by side: unequal hashes tell unequal names at once. */
    final int[] dimNameHash;
    /** Metered size of each dimension: UTF-8 bytes of its name plus its value. */
    final int[] dimBytes;
    final int allDimBytes;
    /** Positions of the Prometheus target labels among the dimensions, -1 when absent. */
    final int instance;
    final int job;
    /**
     * Numbers of each dimension (name and value), of the target labels' dimensions (0 when absent) and of the
     * metric name, from one {@link Interner}: equal numbers mean equal text, so neighbouring records are compared
     * without touching their strings.
     */
    final int[] dimIds;
    final int instanceId;
    final int jobId;
    final int nameId;
    private volatile List<Dimension> model;

    /** Parts numbered by their own interner (tests). */
    SeriesParts(Labels labels) {
        this(labels, new Interner(1024));
    }

    SeriesParts(Labels labels, Interner interner) {
        String metric = labels.metricName();
        this.metricName = metric == null ? "" : metric;
        this.measureNameJson = JsonText.quoted(metricName);
        this.measureNameBytes = SampleValidator.utf8Length(metricName);
        int n = 0;
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.name(i).equals(Labels.METRIC_NAME)) {
                n++;
            }
        }
        dimNames = new String[n];
        dimValues = new String[n];
        byte[][] dimJson = new byte[n][];
        dimBytes = new int[n];
        dimNameHash = new int[n];
        int total = 0;
        int inst = -1;
        int jb = -1;
        int k = 0;
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            if (name.equals(Labels.METRIC_NAME)) {
                continue;
            }
            String value = labels.value(i);
            dimNames[k] = name;
            dimValues[k] = value;
            // VARCHAR is the default dimension type; leaving it out makes each request a quarter smaller
            dimJson[k] = ("{\"Name\":" + JsonText.quote(name) + ",\"Value\":" + JsonText.quote(value) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            dimBytes[k] = SampleValidator.utf8Length(name) + SampleValidator.utf8Length(value);
            dimNameHash[k] = name.hashCode();
            total += dimBytes[k];
            if (name.equals(INSTANCE)) {
                inst = k;
            } else if (name.equals(JOB)) {
                jb = k;
            }
            k++;
        }
        this.allDimBytes = total;
        dimAt = new int[n + 1];
        int size = 0;
        for (int d = 0; d < n; d++) {
            dimAt[d] = size;
            size += dimJson[d].length + 1;
        }
        dimAt[n] = size;
        dimsJson = new byte[Math.max(size - 1, 0)];
        for (int d = 0; d < n; d++) {
            System.arraycopy(dimJson[d], 0, dimsJson, dimAt[d], dimJson[d].length);
            if (d + 1 < n) {
                dimsJson[dimAt[d + 1] - 1] = ',';
            }
        }
        this.instance = inst;
        this.job = jb;
        dimIds = new int[n];
        for (int i = 0; i < n; i++) {
            dimIds[i] = interner.id(dimNames[i] + '\u0000' + dimValues[i]);
        }
        this.instanceId = inst < 0 ? 0 : dimIds[inst];
        this.jobId = jb < 0 ? 0 : dimIds[jb];
        this.nameId = interner.id(metricName);
    }

    /**
     * Numbers for strings, never reused: equal numbers mean equal strings. Bounded: a string forgotten gets a new
     * number when seen again, which can only make equal strings look different (they are then compared as text
     * or not shared), never the reverse.
     */
    static final class Interner {
        private final io.tsconnector.application.cache.BoundedCache<String, Integer> ids;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        Interner(int capacity) {
            ids = new io.tsconnector.application.cache.BoundedCache<>(capacity);
        }

        int id(String s) {
            return ids.get(s, k -> next.incrementAndGet());
        }
    }

    int dimensionCount() {
        return dimNames.length;
    }

    /** Position of the dimension {@code name} with {@code value}, or -1. */
    int indexOf(String name, String value) {
        int lo = 0;
        int hi = dimNames.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = dimNames[mid].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return dimValues[mid].equals(value) ? mid : -1;
            }
        }
        return -1;
    }

    /** The dimensions as SDK model objects (for clients that take the model, such as the local engine). */
    List<Dimension> model() {
        List<Dimension> m = model;
        if (m == null) {
            List<Dimension> out = new ArrayList<>(dimNames.length);
            for (int i = 0; i < dimNames.length; i++) {
                out.add(Dimension.builder().name(dimNames[i]).value(dimValues[i]).build());
            }
            m = List.copyOf(out);
            model = m;
        }
        return m;
    }

    /** Whether dimension {@code i} has the same name and value as dimension {@code j} of {@code other}. */
    boolean sameDimension(int i, SeriesParts other, int j) {
        if (i < 0 || j < 0) {
            return i < 0 && j < 0;
        }
        return dimIds[i] == other.dimIds[j]
                || dimNames[i].equals(other.dimNames[j]) && dimValues[i].equals(other.dimValues[j]);
    }

    /** Whether dimension {@code d} is named {@code name}, whose hash code is {@code nameHash}. */
    boolean named(int d, String name, int nameHash) {
        return dimNameHash[d] == nameHash && dimNames[d].equals(name);
    }

    int dimBytes(int i) {
        return i < 0 ? 0 : dimBytes[i];
    }
}
