package io.tsconnector.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Value object: the identity of a series, a set of labels sorted by name with unique names.
 *
 * <p>Labels with an empty value are dropped: Prometheus treats an empty value as an absent label.
 * Names are compared by UTF-16 code units, which orders the same as Prometheus' byte-wise order for
 * every string without characters outside the Basic Multilingual Plane.
 */
public final class Labels implements Iterable<Label>, Comparable<Labels> {
    /** Name of the label that carries the metric name. */
    public static final String METRIC_NAME = "__name__";

    private static final Labels EMPTY = new Labels(new String[0], new String[0]);

    /** Owners that may keep a derived value on one instance at a time; a further owner replaces the oldest. */
    private static final int MAX_DERIVED = 2;

    private final String[] names;
    private final String[] values;
    private int hash;
    /**
     * What consumers derived from this instance, as owner/value pairs: {@code [owner0, value0, owner1, value1]}.
     * Replaced as a whole, never changed in place, so readers need no lock.
     */
    private volatile Object[] derived;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    public static Labels empty() {
        return EMPTY;
    }

    /** Builds labels from alternating names and values: {@code of("__name__", "up", "job", "x")}. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new DomainException("odd number of name/value strings: " + namesAndValues.length);
        }
        String[] n = new String[namesAndValues.length / 2];
        String[] v = new String[n.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = namesAndValues[2 * i];
            v[i] = namesAndValues[2 * i + 1];
        }
        return fromArrays(n, v, n.length);
    }

    public static Labels of(Collection<Label> labels) {
        String[] n = new String[labels.size()];
        String[] v = new String[n.length];
        int i = 0;
        for (Label l : labels) {
            n[i] = l.name();
            v[i] = l.value();
            i++;
        }
        return fromArrays(n, v, n.length);
    }

    /**
     * Builds labels from the first {@code count} entries of two parallel arrays, which this method may
     * reorder and keeps no reference to.
     *
     * @throws DomainException on a duplicate label name, a null or empty name
     */
    public static Labels fromArrays(String[] names, String[] values, int count) {
        int kept = 0;
        boolean sorted = true;
        for (int i = 0; i < count; i++) {
            String name = names[i];
            String value = values[i];
            if (name == null || name.isEmpty()) {
                throw new DomainException("empty label name (value '" + value + "')");
            }
            if (value == null) {
                throw new DomainException("null value for label " + name);
            }
            if (value.isEmpty()) {
                continue;
            }
            if (kept > 0 && sorted && names[kept - 1].compareTo(name) >= 0) {
                sorted = false;
            }
            names[kept] = name;
            values[kept] = value;
            kept++;
        }
        if (kept == 0) {
            return EMPTY;
        }
        String[] n = Arrays.copyOf(names, kept);
        String[] v = Arrays.copyOf(values, kept);
        if (!sorted) {
            sortByName(n, v);
        }
        for (int i = 1; i < kept; i++) {
            if (n[i - 1].equals(n[i])) {
                throw new DomainException("duplicate label name " + n[i]);
            }
        }
        return new Labels(n, v);
    }

    private static void sortByName(String[] n, String[] v) {
        Integer[] order = new Integer[n.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> n[a].compareTo(n[b]));
        String[] n2 = new String[n.length];
        String[] v2 = new String[n.length];
        for (int i = 0; i < order.length; i++) {
            n2[i] = n[order[i]];
            v2[i] = v[order[i]];
        }
        System.arraycopy(n2, 0, n, 0, n.length);
        System.arraycopy(v2, 0, v, 0, v.length);
    }

    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value of the label, or null when the series has no such label. */
    public String get(String name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? values[i] : null;
    }

    /** The metric name, or null when absent. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    /** These labels without the named ones; returns this instance when none of them is present. */
    public Labels without(String... drop) {
        int removed = 0;
        boolean[] gone = null;
        for (String d : drop) {
            if (d == null) {
                continue;
            }
            int i = Arrays.binarySearch(names, d);
            if (i >= 0) {
                if (gone == null) {
                    gone = new boolean[names.length];
                }
                if (!gone[i]) {
                    gone[i] = true;
                    removed++;
                }
            }
        }
        if (removed == 0) {
            return this;
        }
        String[] n = new String[names.length - removed];
        String[] v = new String[n.length];
        int j = 0;
        for (int i = 0; i < names.length; i++) {
            if (!gone[i]) {
                n[j] = names[i];
                v[j] = values[i];
                j++;
            }
        }
        return n.length == 0 ? EMPTY : new Labels(n, v);
    }

    /** These labels with the given label added or replaced (an empty value removes it). */
    public Labels with(String name, String value) {
        if (value == null || value.isEmpty()) {
            return without(name);
        }
        int i = Arrays.binarySearch(names, name);
        if (i >= 0) {
            if (values[i].equals(value)) {
                return this;
            }
            String[] v = values.clone();
            v[i] = value;
            return new Labels(names, v);
        }
        int at = -i - 1;
        String[] n = new String[names.length + 1];
        String[] v = new String[n.length];
        System.arraycopy(names, 0, n, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        n[at] = name;
        v[at] = value;
        System.arraycopy(names, at, n, at + 1, names.length - at);
        System.arraycopy(values, at, v, at + 1, names.length - at);
        return new Labels(n, v);
    }

    public List<Label> asList() {
        List<Label> out = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            out.add(new Label(names[i], values[i]));
        }
        return out;
    }

    @Override
    public Iterator<Label> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < names.length;
            }

            @Override
            public Label next() {
                if (i >= names.length) {
                    throw new NoSuchElementException();
                }
                Label l = new Label(names[i], values[i]);
                i++;
                return l;
            }
        };
    }

    /** Prometheus' order of label sets: label by label, name then value; a prefix sorts first. */
    @Override
    public int compareTo(Labels o) {
        int n = Math.min(names.length, o.names.length);
        for (int i = 0; i < n; i++) {
            int c = names[i].compareTo(o.names[i]);
            if (c != 0) {
                return c;
            }
            c = values[i].compareTo(o.values[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(names.length, o.names.length);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Labels other)) {
            return false;
        }
        return hashCode() == other.hashCode() && Arrays.equals(names, other.names) && Arrays.equals(values, other.values);
    }

    /**
     * The value {@code owner} derived from this instance earlier ({@link #derive}), or null.
     *
     * <p>Series arrive in every request as the same shared instance (decoders keep one per series), so what a
     * service or store computes once per series (where it goes, its encoded form) is read back here, from the
     * object already at hand, instead of being looked up in a map keyed by the labels on every request. The value
     * lives exactly as long as this instance; owners are compared by identity.
     */
    public Object derived(Object owner) {
        Object[] d = derived;
        if (d != null) {
            for (int i = 0; i < d.length; i += 2) {
                if (d[i] == owner) {
                    return d[i + 1];
                }
            }
        }
        return null;
    }

    /**
     * Keeps {@code value} as what {@code owner} derived from these labels (immutable, or safe to share between
     * threads). At most {@value #MAX_DERIVED} owners are kept per instance; a further one replaces the oldest. A
     * concurrent call may lose the other's value, which is then derived again: a lost entry costs time, never
     * correctness.
     */
    public void derive(Object owner, Object value) {
        Object[] d = derived;
        Object[] next;
        int at = -1;
        if (d == null) {
            next = new Object[2];
            at = 0;
        } else {
            for (int i = 0; i < d.length && at < 0; i += 2) {
                if (d[i] == owner) {
                    at = i;
                }
            }
            if (at >= 0) {
                next = d.clone();
            } else if (d.length < 2 * MAX_DERIVED) {
                next = Arrays.copyOf(d, d.length + 2);
                at = d.length;
            } else {
                next = new Object[d.length];
                System.arraycopy(d, 2, next, 0, d.length - 2);
                at = d.length - 2;
            }
        }
        next[at] = owner;
        next[at + 1] = value;
        derived = next;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }

    /** Prometheus notation: {@code up{instance="a", job="x"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        String metric = metricName();
        if (metric != null) {
            sb.append(metric);
        }
        sb.append('{');
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(METRIC_NAME)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(names[i]).append("=\"");
            escape(values[i], sb);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }
}
