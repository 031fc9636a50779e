package io.tsconnector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {
    @Test
    void sortsByNameAndDropsEmptyValues() {
        Labels l = Labels.of("job", "x", "__name__", "up", "env", "", "instance", "a");
        assertEquals(List.of(new Label("__name__", "up"), new Label("instance", "a"), new Label("job", "x")), l.asList());
        assertNull(l.get("env"));
        assertEquals("up", l.metricName());
    }

    @Test
    void upperCaseNamesSortBeforeUnderscoreAsPrometheusDoes() {
        Labels l = Labels.of("__name__", "up", "PrometheusTableLabel", "t", "PrometheusDatabaseLabel", "d");
        assertEquals("PrometheusDatabaseLabel", l.name(0));
        assertEquals("PrometheusTableLabel", l.name(1));
        assertEquals("__name__", l.name(2));
    }

    @Test
    void rejectsDuplicateAndEmptyNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1", "a", "2"));
        assertTrue(e.getMessage().contains("duplicate label name a"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Labels.of("", "1"));
    }

    @Test
    void withoutAndWith() {
        Labels l = Labels.of("__name__", "up", "db", "d", "t", "x");
        assertEquals(Labels.of("__name__", "up"), l.without("db", "t", null));
        assertSame(l, l.without("nope"));
        assertEquals(Labels.of("__name__", "up", "a", "1", "db", "d", "t", "x"), l.with("a", "1"));
        assertEquals(Labels.of("__name__", "up", "db", "e", "t", "x"), l.with("db", "e"));
        assertEquals(Labels.of("__name__", "up", "t", "x"), l.with("db", ""));
    }

    @Test
    void orderIsPrometheusLabelSetOrder() {
        Labels a = Labels.of("__name__", "m", "a", "1");
        Labels b = Labels.of("__name__", "m", "a", "1", "b", "1");
        Labels c = Labels.of("__name__", "m", "a", "2");
        assertTrue(a.compareTo(b) < 0);
        assertTrue(b.compareTo(c) < 0);
        assertEquals(0, a.compareTo(Labels.of("a", "1", "__name__", "m")));
        assertEquals(a, Labels.of("a", "1", "__name__", "m"));
        assertEquals(a.hashCode(), Labels.of("a", "1", "__name__", "m").hashCode());
    }

    @Test
    void toStringIsPrometheusNotation() {
        assertEquals("up{job=\"a\\\"b\"}", Labels.of("__name__", "up", "job", "a\"b").toString());
    }

    @Test
    void derivedValuesAreKeptPerOwnerAndPerInstance() {
        Labels a = Labels.of("__name__", "up", "job", "x");
        Labels equal = Labels.of("__name__", "up", "job", "x");
        Object service = new Object();
        Object store = new Object();
        assertNull(a.derived(service));
        a.derive(service, "route");
        a.derive(store, "body");
        assertEquals("route", a.derived(service));
        assertEquals("body", a.derived(store));
        assertNull(equal.derived(service), "an equal instance has its own derived values");
        a.derive(service, "route 2");
        assertEquals("route 2", a.derived(service));
        assertEquals("body", a.derived(store), "replacing one owner's value keeps the other's");
    }

    @Test
    void aThirdOwnerReplacesTheOldest() {
        Labels a = Labels.of("__name__", "up");
        Object first = new Object();
        Object second = new Object();
        Object third = new Object();
        a.derive(first, 1);
        a.derive(second, 2);
        a.derive(third, 3);
        assertNull(a.derived(first));
        assertEquals(2, a.derived(second));
        assertEquals(3, a.derived(third));
    }
}
