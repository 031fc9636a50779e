package io.tsconnector.domain;

import java.util.List;
import java.util.Objects;

/** Value object: a labelled series of float samples. */
public record TimeSeries(Labels labels, List<Sample> samples) {
    public TimeSeries {
        Objects.requireNonNull(labels, "labels");
        samples = List.copyOf(samples);
    }

    public static TimeSeries of(Labels labels, Sample... samples) {
        return new TimeSeries(labels, List.of(samples));
    }

    @Override
    public String toString() {
        return labels + " " + samples.size() + " samples";
    }
}
