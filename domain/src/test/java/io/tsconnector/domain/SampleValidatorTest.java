package io.tsconnector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SampleValidatorTest {
    private static IgnoreReason reason(Labels l) {
        Violation v = SampleValidator.checkLabels(l);
        return v == null ? null : v.reason();
    }

    @Test
    void limitsAreInUtf8Bytes() {
        assertNull(reason(Labels.of("__name__", "m".repeat(256))));
        assertEquals(IgnoreReason.LONG_METRIC_NAME, reason(Labels.of("__name__", "m".repeat(257))));
        assertEquals(IgnoreReason.LONG_METRIC_NAME, reason(Labels.of("__name__", "é".repeat(129))));
        assertNull(reason(Labels.of("__name__", "m", "n".repeat(60), "v")));
        assertEquals(IgnoreReason.LONG_LABEL_NAME, reason(Labels.of("__name__", "m", "n".repeat(61), "v")));
        assertNull(reason(Labels.of("__name__", "m", "l", "v".repeat(2048))));
        assertEquals(IgnoreReason.LONG_LABEL_VALUE, reason(Labels.of("__name__", "m", "l", "€".repeat(683))));
    }

    @Test
    void dimensionCountAndReservedNames() {
        String[] kv = new String[2 + 2 * 129];
        kv[0] = "__name__";
        kv[1] = "m";
        for (int i = 0; i < 129; i++) {
            kv[2 + 2 * i] = "l" + i;
            kv[3 + 2 * i] = "v";
        }
        assertEquals(IgnoreReason.TOO_MANY_LABELS, reason(Labels.of(kv)));
        assertNull(reason(Labels.of(java.util.Arrays.copyOf(kv, kv.length - 2))));
        for (String reserved : new String[] {"time", "measure_name", "measure_value", "measure_value::double", "ts_x"}) {
            assertEquals(IgnoreReason.RESERVED_LABEL_NAME, reason(Labels.of("__name__", "m", reserved, "v")), reserved);
        }
        assertNull(reason(Labels.of("__name__", "m", "timestamp", "v", "measure", "x")));
        assertEquals(IgnoreReason.MISSING_METRIC_NAME, reason(Labels.of("job", "x")));
    }

    @Test
    void aSeriesWithoutMetricNameHasItsOwnErrorName() {
        Violation v = SampleValidator.checkLabels(Labels.of("job", "x"));
        assertEquals(ErrorName.MISSING_METRIC_NAME, v.reason().errorName());
        assertEquals(true, v.describe().startsWith("MissingMetricNameError: "), v.describe());
    }

    @Test
    void onlyFiniteValuesAreStorable() {
        assertNull(SampleValidator.checkValue(0.0));
        assertNull(SampleValidator.checkValue(-Double.MAX_VALUE));
        assertEquals(IgnoreReason.INVALID_SAMPLE_VALUE, SampleValidator.checkValue(Double.NaN));
        assertEquals(IgnoreReason.INVALID_SAMPLE_VALUE, SampleValidator.checkValue(Double.POSITIVE_INFINITY));
        assertEquals(IgnoreReason.INVALID_SAMPLE_VALUE, SampleValidator.checkValue(Double.NEGATIVE_INFINITY));
        assertEquals(IgnoreReason.STALE_MARKER,
                SampleValidator.checkValue(Double.longBitsToDouble(Sample.STALE_NAN_BITS)));
    }

    @Test
    void aNanQuantileIsAnEmptySummaryAndCountedApart() {
        Labels quantile = Labels.of("__name__", "rpc_seconds", "quantile", "0.5");
        Labels plain = Labels.of("__name__", "rpc_seconds_sum");
        double stale = Double.longBitsToDouble(Sample.STALE_NAN_BITS);
        assertEquals(IgnoreReason.SUMMARY_NAN, SampleValidator.checkValue(quantile, Double.NaN));
        assertEquals(IgnoreReason.STALE_MARKER, SampleValidator.checkValue(quantile, stale));
        assertEquals(IgnoreReason.INVALID_SAMPLE_VALUE, SampleValidator.checkValue(quantile, Double.POSITIVE_INFINITY));
        assertEquals(IgnoreReason.INVALID_SAMPLE_VALUE, SampleValidator.checkValue(plain, Double.NaN));
        assertNull(SampleValidator.checkValue(quantile, 0.25));
    }

    @Test
    void utf8LengthCountsSurrogatePairsAsFourBytes() {
        assertEquals(4, SampleValidator.utf8Length("😀"));
        assertEquals(3, SampleValidator.utf8Length("€"));
        assertEquals(2, SampleValidator.utf8Length("é"));
        assertEquals(3, SampleValidator.utf8Length("\ud800"));
    }
}
