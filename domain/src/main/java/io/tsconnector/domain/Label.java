package io.tsconnector.domain;

import java.util.Objects;

/** Value object: one label name and its value. */
public record Label(String name, String value) implements Comparable<Label> {
    public Label {
        Objects.requireNonNull(name, "label name");
        Objects.requireNonNull(value, "label value");
    }

    @Override
    public int compareTo(Label other) {
        int c = name.compareTo(other.name);
        return c != 0 ? c : value.compareTo(other.value);
    }
}
